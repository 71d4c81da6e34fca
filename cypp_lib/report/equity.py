"""Equity breakdowns for papers: one measure for several groups (the catalogue's `breakdowns:`,
e.g. 16-17 year olds NEET or not known by SEND status), each group compared with a reference group.

    from cypp_lib.report.equity import breakdown_section
    for b in catalogue.breakdowns_for(indicators):
        display(breakdown_section(paper, b))

`breakdown_table(paper, breakdown)` gives, for the paper's year (the latest with a value for the
area in any group, or the year asked for), one row per group and area (the paper's area, London,
England): the value with its 95% interval, and against the reference group

- the gap (group minus reference, in points of the indicator's unit: percentage points for a
  percentage) with a 95% interval: Newcombe's hybrid score interval for proportions, the normal
  approximation for rates (`cypp_lib.stats.gap`); and
- the relative rate (group / reference) with a log-scale interval (`cypp_lib.stats.relative_rate`:
  Katz for proportions, Poisson for rates),

both only where counts exist (a value without counts gets a gap without an interval and a
relative rate without an interval, described but never called significant).

Words (`breakdown_section`):
- a group against the reference: "statistically significant" only when the gap's 95% interval
  excludes 0, otherwise the two rates are "similar";
- the area's gap against England's: "wider" or "narrower" only when the two gaps' 95% intervals
  do not overlap (`cypp_lib.stats.compare_intervals`, conservative, as for change over time),
  otherwise "similar to England's".

A group whose value for the area is suppressed (c), not available (x) or not published is named
with the reason; without the reference group's value and at least one other group's there is
no chart. The chart shows the area's and England's values per group as horizontal bars with 95%
interval whiskers, told apart by hatching and the legend as well as colour, each bar labelled with
its value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from cypp_lib import geography as geo
from cypp_lib import stats
from cypp_lib.catalogue import Breakdown, Indicator
from cypp_lib.report import suppressed
from cypp_lib.report.charts import PALETTE, figure_html, plt
from cypp_lib.report.compare import compare, missing
from cypp_lib.report.html import esc, table
from cypp_lib.sources.common import period_label

#: How a status other than "ok" is said in a sentence.
STATUS_WORDS = {"x": "not available (x)", "z": "not applicable (z)", "k": "a rounded value below 0.5 (k)",
                "u": "flagged as unreliable (u)", "missing": "not published"}
COLUMNS = ["area", "area_code", "group", "indicator", "is_reference", "year", "period", "status", "value",
           "lower_95", "upper_95", "numerator", "denominator", "gap", "gap_lower_95", "gap_upper_95",
           "gap_comparison", "ratio", "ratio_lower_95", "ratio_upper_95", "how"]


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _areas(paper) -> list[tuple[str, str]]:
    """(label, code): the paper's area, then its region (London for a London borough) and England
    (each once)."""
    out = [(paper.area.name, paper.area.code)]
    region = [(paper.region.name, paper.region.code)] if paper.region is not None else []
    for label, code in (*region, ("England", geo.ENGLAND)):
        if code not in {c for _, c in out}:
            out.append((label, code))
    return out


def breakdown_year(paper, breakdown: Breakdown) -> int | None:
    """The paper's year for a breakdown: the latest year in which the area has a value for any
    group (or the year asked for, when the area has one then); None when there is none."""
    years = set()
    for ind_id in breakdown.indicators:
        s = paper.series(ind_id)
        years |= set(s.loc[s["status"] == "ok", "year"].astype(int))
    if not years:
        return None
    if paper.period == "latest":
        return max(years)
    return int(paper.period) if int(paper.period) in years else None


def _row(paper, ind_id: str, year: int, code: str) -> dict:
    s = paper.series(ind_id, code)
    s = s[s["year"] == year]
    if s.empty:
        return {"status": "missing", "period": "", "value": np.nan, "lower_95": np.nan, "upper_95": np.nan,
                "numerator": np.nan, "denominator": np.nan, "how": ""}
    r = s.iloc[0]
    ok = r["status"] == "ok"
    return {"status": r["status"], "period": r["period"], "how": str(r.get("disclosure", "") or ""),
            **{c: float(r[c]) if ok and not missing(r[c]) else np.nan
               for c in ("value", "lower_95", "upper_95", "numerator", "denominator")}}


def _against_reference(rows: pd.DataFrame, ref: pd.Series, ind: Indicator) -> pd.DataFrame:
    """Gap and relative rate of each row against the reference row (counts permitting)."""
    kind = "rate" if ind.value_type == "rate" else "proportion"
    rows = rows.copy()
    rows["gap"] = rows["value"] - ref["value"]
    rows["ratio"] = rows["value"] / ref["value"] if ref["value"] else np.nan
    with_counts = rows[["numerator", "denominator"]].notna().all(axis=1) & (
        not (missing(ref["numerator"]) or missing(ref["denominator"])))
    if with_counts.any():
        sub = rows[with_counts]
        n = len(sub)
        g = stats.gap(sub["numerator"].to_numpy(), sub["denominator"].to_numpy(), [ref["numerator"]] * n,
                      [ref["denominator"]] * n, kind=kind, multiplier=ind.multiplier)
        rr = stats.relative_rate(sub["numerator"].to_numpy(), sub["denominator"].to_numpy(), [ref["numerator"]] * n,
                                 [ref["denominator"]] * n, kind=kind)
        rows.loc[with_counts, ["gap_lower_95", "gap_upper_95"]] = g[["lower_95", "upper_95"]].to_numpy()
        rows.loc[with_counts, "gap_comparison"] = np.where(g["lower_95"].isna(), "", g["comparison"])
        rows.loc[with_counts, ["ratio_lower_95", "ratio_upper_95"]] = rr[["lower_95", "upper_95"]].to_numpy()
    return rows


def breakdown_table(paper, breakdown: Breakdown) -> pd.DataFrame:
    """One row per group and area (the paper's area, London, England) for the paper's year:
    status, value with 95% interval, counts, and (for the other groups) the gap to the reference
    group with its 95% interval and comparison (Higher / Similar / Lower), and the relative rate
    with its 95% interval. Empty (with the columns) when the area has no value in any group."""
    year = breakdown_year(paper, breakdown)
    if year is None:
        return pd.DataFrame(columns=COLUMNS)
    ref_ind = paper.catalogue[breakdown.reference]
    out = []
    for label, code in _areas(paper):
        rows = pd.DataFrame([{"area": label, "area_code": code, "group": g.label, "indicator": g.indicator,
                              "is_reference": g.indicator == breakdown.reference, "year": year,
                              **_row(paper, g.indicator, year, code)} for g in breakdown.groups])
        for c in ("gap", "gap_lower_95", "gap_upper_95", "ratio", "ratio_lower_95", "ratio_upper_95"):
            rows[c] = np.nan
        rows["gap_comparison"] = ""
        ref = rows[rows["is_reference"]].iloc[0]
        others = ~rows["is_reference"] & (rows["status"] == "ok")
        if ref["status"] == "ok" and others.any():
            rows.loc[others] = _against_reference(rows[others], ref, ref_ind)
        out.append(rows)
    frame = pd.concat(out, ignore_index=True)
    label = next((p for p in frame["period"] if p), period_label(year, ref_ind.year_type))
    frame["period"] = frame["period"].where(frame["period"] != "", label)
    return frame[COLUMNS]


def gap_trend(paper, breakdown: Breakdown) -> pd.DataFrame:
    """The gap to the reference group by year for the area and England, in the years where the
    area has both values or one of them is hidden (area, year, period, group, gap, gap_lower_95,
    gap_upper_95, hidden: True when either value is c, so the gap is not shown)."""
    ref_ind = paper.catalogue[breakdown.reference]
    out = []
    for label, code in ((paper.area.name, paper.area.code), ("England", geo.ENGLAND)):
        ref = paper.series(breakdown.reference, code)
        ref = ref[ref["status"].isin(("ok", "c"))]
        for g in breakdown.groups:
            if g.indicator == breakdown.reference:
                continue
            s = paper.series(g.indicator, code)
            both = s[s["status"].isin(("ok", "c"))].merge(ref, on=["year", "period"], suffixes=("", "_r"))
            both = both[(both["status"] == "ok") & (both["status_r"] == "ok") | (both["status"] == "c")
                        | (both["status_r"] == "c")]
            if both.empty:
                continue
            frame = pd.DataFrame({"area": label, "year": both["year"].astype(int), "period": both["period"],
                                  "group": g.label, "gap": both["value"] - both["value_r"],
                                  "gap_lower_95": np.nan, "gap_upper_95": np.nan,
                                  "hidden": (both["status"] == "c") | (both["status_r"] == "c")})
            counts = both[["numerator", "denominator", "numerator_r", "denominator_r"]].notna().all(axis=1)
            if counts.any():
                ci = stats.gap(both["numerator"], both["denominator"], both["numerator_r"], both["denominator_r"],
                               kind="rate" if ref_ind.value_type == "rate" else "proportion",
                               multiplier=ref_ind.multiplier)
                frame.loc[counts, ["gap_lower_95", "gap_upper_95"]] = ci.loc[counts, ["lower_95", "upper_95"]].to_numpy()
            out.append(frame)
    if not out:
        return pd.DataFrame(columns=["area", "year", "period", "group", "gap", "gap_lower_95", "gap_upper_95",
                                     "hidden"])
    trend = pd.concat(out, ignore_index=True)
    mine = set(trend.loc[trend["area"] == paper.area.name, "year"])
    return trend[trend["year"].isin(mine)].reset_index(drop=True)


# ---------------------------------------------------------------------------------- words


def _points(ind: Indicator) -> str:
    return "percentage points" if ind.unit == "%" else (ind.unit or "points")


def _num(ind: Indicator, x) -> str:
    """A gap in points, with the indicator's decimal places (no unit)."""
    return f"{x:,.{ind.dps}f}"


def _ratio(x) -> str:
    return f"{x:.1f}"


def _who(breakdown: Breakdown, group) -> str:
    """'16-17 year olds with an EHC plan' (or the group's label when the catalogue gives no words)."""
    if breakdown.population and group.who:
        return f"{breakdown.population} {group.who}"
    return f"the group '{group.label}'"


def _those(group) -> str:
    """'those with an EHC plan' (or the group's label)."""
    return f"those {group.who}" if group.who else f"the group '{group.label}'"


def _value_words(ind: Indicator, r: pd.Series) -> str:
    ci = (f" (95% interval {ind.format(r['lower_95'])} to {ind.format(r['upper_95'])})"
          if not missing(r["lower_95"]) else "")
    return f"{ind.format(r['value'])}{ci}"


def _status_words(paper, indicator: str, status: str, how: str = "") -> str:
    if status == "c":  # who hid it and why (cypp_lib.disclosure)
        return suppressed.words(how or "publisher", suppressed.small_range(paper, indicator))
    return STATUS_WORDS.get(status, "not available")


def _gap_vs_england(ind: Indicator, mine: pd.Series, eng: pd.Series | None, area: str) -> str:
    if eng is None or missing(eng["gap"]):
        return ""
    unit = _points(ind)
    e_ci = (f" (95% interval {_num(ind, eng['gap_lower_95'])} to {_num(ind, eng['gap_upper_95'])})"
            if not missing(eng["gap_lower_95"]) else "")
    text = f" England's gap was {_num(ind, eng['gap'])} {unit}{e_ci}"
    if missing(mine["gap_lower_95"]) or missing(eng["gap_lower_95"]):
        bigger = abs(mine["gap"]) > abs(eng["gap"])
        same = round(mine["gap"], ind.dps) == round(eng["gap"], ind.dps)
        word = "the same as" if same else "wider than" if bigger else "narrower than"
        return text + f", so {area}'s gap is {word} England's (significance not assessed: no counts)."
    c = stats.compare_intervals([mine["gap"]], [mine["gap_lower_95"]], [mine["gap_upper_95"]], [eng["gap"]],
                                [eng["gap_lower_95"]], [eng["gap_upper_95"]]).iloc[0]["comparison"]
    if c == "Similar":
        return text + f", so {area}'s gap is similar to England's (the two intervals overlap)."
    higher = c == "Higher"
    if np.sign(mine["gap"]) == np.sign(eng["gap"]) and eng["gap"] != 0:
        word = "wider" if higher == (eng["gap"] > 0) else "narrower"
    else:
        word = "larger" if higher else "smaller"
    return text + f", so {area}'s gap is significantly {word} than England's (the two intervals do not overlap)."


def _england_row(table_: pd.DataFrame, group_label: str) -> pd.Series | None:
    eng = table_[(table_["area_code"] == geo.ENGLAND) & (table_["group"] == group_label)]
    return eng.iloc[0] if not eng.empty and eng.iloc[0]["status"] == "ok" else None


def reference_sentence(paper, breakdown: Breakdown, table_: pd.DataFrame) -> str:
    """The reference group's value, compared with England's (Fingertips method: 'similar' when
    England's value lies inside the area's 95% interval)."""
    group = breakdown.reference_group
    ind = paper.catalogue[group.indicator]
    area = paper.area.name
    r = table_[(table_["area_code"] == paper.area.code) & (table_["group"] == group.label)].iloc[0]
    if r["status"] != "ok":
        return (f"In {r['period']}, {area}'s figure for {_who(breakdown, group)} (the reference group) is "
                f"{_status_words(paper, r['indicator'], r['status'], r['how'])}, so no gap to it can be given.")
    text = (f"In {r['period']}, {_value_words(ind, r)} of {area}'s {_who(breakdown, group)} "
            f"{breakdown.statement or 'had this outcome'}")
    eng = _england_row(table_, group.label)
    if eng is not None and paper.area.code != geo.ENGLAND:
        c = compare(r["value"], r["lower_95"], r["upper_95"], eng["value"], ind.polarity)
        text += ", " + c.words("England", ind.format(eng["value"]))
    return text + "."


def group_sentence(paper, breakdown: Breakdown, table_: pd.DataFrame, group) -> str:
    """The sentence for one non-reference group: its value, the relative rate, the gap and its
    significance, and how the gap compares with England's."""
    ind = paper.catalogue[group.indicator]
    ref_group = breakdown.reference_group
    area = paper.area.name
    mine = table_[(table_["area_code"] == paper.area.code)].set_index("group")
    r, ref = mine.loc[group.label], mine.loc[ref_group.label]
    if r["status"] != "ok":
        return f"{area}'s figure for {_who(breakdown, group)} is {_status_words(paper, r['indicator'], r['status'], r['how'])}."
    head = f"Of {_those(group)}, {_value_words(ind, r)} {breakdown.statement or 'had this outcome'}"
    if ref["status"] != "ok":
        return head + "."
    ref_text = ind.format(ref["value"])
    if not missing(r["ratio"]):
        head += f", {_ratio(r['ratio'])} times the rate for {_those(ref_group)} ({ref_text})."
    else:
        head += f", against {ref_text} for {_those(ref_group)}."
    unit = _points(ind)
    if missing(r["gap_lower_95"]):
        gap = f" The gap is {_num(ind, r['gap'])} {unit} (significance not assessed: the source gives no counts)."
    else:
        ci = f"95% interval {_num(ind, r['gap_lower_95'])} to {_num(ind, r['gap_upper_95'])}"
        if r["gap_comparison"] == "Similar":
            gap = (f" The gap, {_num(ind, r['gap'])} {unit} ({ci}), is not statistically significant: "
                   "the two rates are similar.")
        else:
            direction = "higher" if r["gap_comparison"] == "Higher" else "lower"
            gap = (f" The gap, {_num(ind, r['gap'])} {unit} ({ci}), is statistically significant: the rate is "
                   f"{direction} for {_those(group)}.")
    eng = _england_row(table_, group.label)
    return head + gap + (_gap_vs_england(ind, r, eng, area) if paper.area.code != geo.ENGLAND else "")


def _nothing_sentence(paper, breakdown: Breakdown) -> str:
    """Why the area has no value in any group: the markers of its latest (or asked-for) year, if any."""
    area = paper.area.name
    rows = pd.concat([paper.series(i) for i in breakdown.indicators])
    if paper.period != "latest":
        rows = rows[rows["year"] == int(paper.period)]
    if rows.empty:
        when = "" if paper.period == "latest" else f" for the period ending in {paper.period}"
        return f"No figure for any group of this breakdown is published for {area}{when}."
    latest = rows[rows["year"] == rows["year"].max()]
    how = latest["disclosure"] if "disclosure" in latest else pd.Series("", index=latest.index)
    by_group = {i: (st, h) for i, st, h in zip(latest["indicator"], latest["status"], how)}
    words = [f"{g.label}: {_status_words(paper, g.indicator, *by_group.get(g.indicator, ('missing', '')))}"
             for g in breakdown.groups]
    return (f"In {latest['period'].iloc[0]}, no group of this breakdown has a published figure for {area} "
            f"({'; '.join(words)}), so no comparison can be made.")


def _later_hidden(paper, breakdown: Breakdown, year: int | None) -> str:
    """A sentence on later periods whose group figures for the area are hidden (c), if any."""
    if year is None:
        return ""
    parts = []
    for g in breakdown.groups:
        for _, r in suppressed.later_hidden(paper, g.indicator, year).iterrows():
            parts.append((int(r["year"]), r["period"], f"{_who(breakdown, g)}: {suppressed.row_words(paper, g.indicator, r)}"))
    if not parts:
        return ""
    by_year = {}
    for y, period, text in sorted(parts):
        by_year.setdefault((y, period), []).append(text)
    return " ".join(f"In {period} no figure can be shown for {'; for '.join(texts)}. This section shows the "
                    "latest year that can be shown."
                    for (_, period), texts in by_year.items())


def breakdown_sentences(paper, breakdown: Breakdown, table_: pd.DataFrame | None = None) -> list[str]:
    """The section's computed sentences: the reference group's value, then one per other group
    (or one saying that nothing is published for the area)."""
    table_ = breakdown_table(paper, breakdown) if table_ is None else table_
    if table_.empty:
        return [_nothing_sentence(paper, breakdown)]
    return [reference_sentence(paper, breakdown, table_)] + [
        group_sentence(paper, breakdown, table_, g) for g in breakdown.groups if g.indicator != breakdown.reference]


# ---------------------------------------------------------------------------------- chart


def breakdown_chart(data: pd.DataFrame, groups: list[str], series: list[str], unit: str, fmt, title: str,
                    reference: str | None = None) -> tuple:
    """Horizontal grouped bars: one block per group (top to bottom in `groups` order), one bar per
    series (e.g. the area, England) told apart by colour, hatching and the legend, 95% interval
    whiskers, each bar labelled with its value; the reference group's axis label says so.

    data: rows with series, group, value, lower_95, upper_95[, status] (value NaN: no bar, labelled
    "no value", or "c" when the status is c).
    Returns (figure, alt text)."""
    hatches = ["//", "", "..", "xx"]
    n, k = len(groups), len(series)
    height = 0.8 / k
    fig, ax = plt.subplots(figsize=(7.5, 0.75 * n * k / 2 + 1.6))
    top = np.nanmax(data[["value", "upper_95"]].to_numpy(dtype=float)) if data["value"].notna().any() else 1
    alt_parts = []
    for j, name in enumerate(series):
        rows = data[data["series"] == name].set_index("group").reindex(groups)
        ys = np.arange(n) - 0.4 + height * (j + 0.5)
        colour = PALETTE[j % len(PALETTE)]
        vals = rows["value"].to_numpy(dtype=float)
        ax.barh(ys, np.nan_to_num(vals), height=height * 0.92, color=colour, hatch=hatches[j % len(hatches)],
                edgecolor="#0b0c0c", linewidth=0.5, label=name)
        lo, up = rows["lower_95"].to_numpy(dtype=float), rows["upper_95"].to_numpy(dtype=float)
        has_ci = ~np.isnan(lo) & ~np.isnan(vals)
        if has_ci.any():
            ax.errorbar(vals[has_ci], ys[has_ci], xerr=[vals[has_ci] - lo[has_ci], up[has_ci] - vals[has_ci]],
                        fmt="none", ecolor="#0b0c0c", capsize=3, linewidth=1)
        parts = []
        hidden = rows["status"].eq("c").to_numpy() if "status" in rows else np.zeros(n, dtype=bool)
        for y, v, u, g, c in zip(ys, vals, up, groups, hidden):
            if np.isnan(v):  # no bar; a value hidden by disclosure control is marked c
                ax.annotate(f"{name}: {'c' if c else 'no value'}", (0, y), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=8, color="#0b0c0c", fontweight="bold" if c else "normal")
                parts.append(f"{g} c (hidden to protect confidentiality)" if c else f"{g} no value")
                continue
            end = u if not np.isnan(u) else v
            ax.annotate(fmt(v), (end, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8,
                        color="#0b0c0c")
            r = rows.loc[g]
            ci = f" (95% interval {fmt(r['lower_95'])} to {fmt(r['upper_95'])})" if not missing(r["lower_95"]) else ""
            parts.append(f"{g} {fmt(v)}{ci}")
        alt_parts.append(f"{name}: " + ", ".join(parts))
    ax.set_yticks(np.arange(n), [f"{g}\n(reference)" if g == reference else g for g in groups])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.18)
    ax.set_xlabel(f"{unit} (whiskers: 95% confidence intervals)")
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    handles = [Patch(facecolor=PALETTE[j % len(PALETTE)], hatch=hatches[j % len(hatches)], edgecolor="#0b0c0c",
                     label=name) for j, name in enumerate(series)]
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ref = f" The reference group is {reference}." if reference else ""
    alt = f"Horizontal bar chart of {title}, by group. " + "; ".join(alt_parts) + "." + ref
    return fig, alt


# ---------------------------------------------------------------------------------- section


def _cell(ind: Indicator, r: pd.Series) -> str:
    if r["status"] == "c":
        return "c"
    return ind.format(r["value"]) if r["status"] == "ok" else STATUS_WORDS.get(r["status"], r["status"])


def _data_table(paper, breakdown: Breakdown, t: pd.DataFrame) -> pd.DataFrame:
    ind = paper.catalogue[breakdown.reference]
    area, unit = paper.area.name, _points(ind)
    rows = []
    for g in breakdown.groups:
        by_area = t[t["group"] == g.label].set_index("area_code")
        mine = by_area.loc[paper.area.code]
        row = {"Group": g.label + (" (reference)" if g.indicator == breakdown.reference else ""),
               area: _cell(ind, mine),
               f"{area} 95% interval": (f"{ind.format(mine['lower_95'])} to {ind.format(mine['upper_95'])}"
                                        if not missing(mine["lower_95"]) else "")}
        for label, code in _areas(paper)[1:]:
            row[label] = _cell(ind, by_area.loc[code])
        for label, code in [(area, paper.area.code), *[(lb, c) for lb, c in _areas(paper)[1:] if c == geo.ENGLAND]]:
            r = by_area.loc[code]
            row[f"{label} gap ({unit})"] = "" if missing(r["gap"]) else _num(ind, r["gap"])
            row[f"{label} gap 95% interval"] = ("" if missing(r["gap_lower_95"]) else
                                                f"{_num(ind, r['gap_lower_95'])} to {_num(ind, r['gap_upper_95'])}")
        row[f"{area} relative rate"] = "" if missing(mine["ratio"]) else _ratio(mine["ratio"])
        row[f"{area} relative rate 95% interval"] = ("" if missing(mine["ratio_lower_95"]) else
                                                     f"{mine['ratio_lower_95']:.2f} to {mine['ratio_upper_95']:.2f}")
        rows.append(row)
    return pd.DataFrame(rows)


def _trend_table(paper, breakdown: Breakdown) -> pd.DataFrame | None:
    trend = gap_trend(paper, breakdown)
    if trend.empty or trend["year"].nunique() < 2:
        return None
    ind = paper.catalogue[breakdown.reference]
    trend = trend.assign(text=["c" if hidden else ("" if missing(g) else _num(ind, g))
                               + ("" if missing(lo) else f" ({_num(ind, lo)} to {_num(ind, up)})")
                               for g, lo, up, hidden in zip(trend["gap"], trend["gap_lower_95"],
                                                            trend["gap_upper_95"], trend["hidden"])])
    wide = trend.pivot_table(index=["year", "period"], columns=["group", "area"], values="text",
                             aggfunc="first", sort=True)
    out = pd.DataFrame({"Period": wide.index.get_level_values("period")})
    for g in breakdown.groups:
        for area in (paper.area.name, "England"):
            if (g.label, area) in wide.columns:
                out[f"{g.label}: {area}"] = wide[(g.label, area)].fillna("no value").to_numpy()
    return out


def breakdown_section(paper, breakdown: Breakdown, level: int = 4):
    """Heading, why it matters, computed sentences, chart (area and England by group, with 95%
    intervals) with generated alt text and its data table, and the gap by year where there is
    more than one year. Without the reference value and one other group's for the area: the
    sentences say what is missing, and there is no chart."""
    ref_ind = paper.catalogue[breakdown.reference]
    h = f"h{level}"
    area = paper.area.name
    caveats = " ".join(dict.fromkeys(paper.catalogue[i].caveats for i in breakdown.indicators if
                                     paper.catalogue[i].caveats))
    html = [f"<{h}>{esc(breakdown.name)}</{h}>",
            f'<p class="cypp-meta">{esc(breakdown.why)} Each group is compared with the reference group '
            f"({esc(breakdown.reference_group.label)}): the gap is the group's value minus the reference "
            f"group's, in {esc(_points(ref_ind))}; the relative rate is the group's value divided by the reference "
            f"group's. Source: {esc(ref_ind.source.publisher)} ({esc(ref_ind.source.file)})."
            + (f" Caveats: {esc(caveats)}" if caveats else "") + "</p>"]
    t = breakdown_table(paper, breakdown)
    html += [f"<p>{esc(s)}</p>" for s in breakdown_sentences(paper, breakdown, t)]
    later = _later_hidden(paper, breakdown, int(t["year"].iloc[0]) if not t.empty else None)
    if later:
        html.append(f"<p>{esc(later)}</p>")
    if t.empty:
        return _html("".join(html))
    mine = t[t["area_code"] == paper.area.code]
    period = mine["period"].iloc[0]
    data = _data_table(paper, breakdown, t)
    numeric = tuple(c for c in data.columns if c != "Group")
    caption = f"{breakdown.name}: {area} and England, {period}"
    ref_ok = (mine["is_reference"] & (mine["status"] == "ok")).any()
    others_ok = (~mine["is_reference"] & (mine["status"] == "ok")).any()
    if ref_ok and others_ok:
        chart_rows = t[t["area_code"].isin([paper.area.code, geo.ENGLAND])].assign(
            series=lambda d: np.where(d["area_code"] == paper.area.code, area, "England"))
        series = list(dict.fromkeys(chart_rows["series"]))
        fig, alt = breakdown_chart(chart_rows, [g.label for g in breakdown.groups], series,
                                   "per cent" if ref_ind.unit == "%" else ref_ind.unit, ref_ind.format,
                                   f"{breakdown.name} in {area} and England, {period}",
                                   reference=breakdown.reference_group.label)
        html.append(figure_html(fig, alt, caption, data, numeric=numeric))
    else:
        html.append(table(data, caption=caption, numeric=numeric))
    trend = _trend_table(paper, breakdown)
    if trend is not None:
        html.append(table(trend, caption=f"{breakdown.name}: gap to the reference group "
                          f"({breakdown.reference_group.label}) by year, {area} and England ({_points(ref_ind)}, 95% interval in brackets)",
                          numeric=tuple(trend.columns[1:])))
    return _html("".join(html))
