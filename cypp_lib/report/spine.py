"""Spine chart: one row per indicator, the area's value against the range of English local
authorities, with England at the centre (the Public Health England / OHID Fingertips "spine chart").

Method (Fingertips area profiles; the scaling of `fingertipscharts::area_profiles`,
`spine_rescaler` in R/spine_chart_utils.R of ukhsa-collaboration/fingertipscharts):

- For each indicator and the paper's period, the values of all English LAs give the lowest value,
  the 25th and 75th percentiles (type-7 quantiles, as R's `quantile` and cypp_lib.stats.quartiles)
  and the highest value.
- Each row has its own scale, symmetric about England: the half-width d is the larger of
  England - lowest and highest - England, and a value v is drawn at 0.5 + (v - England) / (2 d).
  So England is always at 0.5, the LA furthest from England is at 0 or 1, and the other end of the
  range lies inside [0, 1].
- Oriented so that worse is on the left and better on the right: for "low is good" indicators
  the position is 1 - that. Indicators with no better direction (polarity none) keep lower values
  on the left and are described as lowest / highest, never worst / best.
- The comparison with England is the paper's (cypp_lib.report.assess: Fingertips confidence-interval
  method, "not tested" where the source publishes no interval). It is shown by marker shape and a
  text label on each row, never by colour alone.

Not drawn, and listed under the chart with the reason: evidence entries, counts (not comparable
between areas of different sizes), indicators with no value for the area or England, and those
with values for fewer than MIN_RANKED English LAs (a local extract cannot give a national range).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cypp_lib.report.assess import MIN_RANKED
from cypp_lib.report.charts import PALETTE, figure_html, plt
from cypp_lib.report.compare import missing
from cypp_lib.report.html import esc
from cypp_lib.stats import quartiles

RANGE_COLOUR = "#d9dcdf"  # lowest to highest
IQR_COLOUR = "#8e979d"  # 25th to 75th percentile
INK = "#0b0c0c"
WRAP = 40  # characters per line of an indicator label

#: comparison category -> (marker, fill colour, legend text); shape carries the meaning, colour repeats it
MARKS = {
    "better": ("^", PALETTE[0], "significantly better than England"),
    "worse": ("v", PALETTE[1], "significantly worse than England"),
    "different": ("D", PALETTE[4], "significantly higher or lower (no better direction)"),
    "similar": ("o", "#ffffff", "similar to England"),
    "untested": ("s", "#b1b4b6", "higher or lower, not tested (no interval published)"),
    "none": ("X", "#ffffff", "not compared"),
}


def spine_scale(lowest, q25, q75, highest, england, area, polarity: str) -> dict[str, float]:
    """Positions (0 = left, 1 = right) of the range, quartiles, England and the area on one row.

    England is at 0.5 and the value furthest from England at 0 or 1 (Fingertips' scaling); for
    polarity "low" the scale is reversed so better values are on the right.

    >>> pos = spine_scale(10, 32.5, 77.5, 100, 40, 70, "high")
    >>> [round(pos[k], 4) for k in ("lowest", "q25", "england", "area", "q75", "highest")]
    [0.25, 0.4375, 0.5, 0.75, 0.8125, 1.0]
    """
    if polarity not in ("high", "low", "none"):
        raise ValueError(f"polarity must be 'high', 'low' or 'none', not {polarity!r}")
    values = {"lowest": lowest, "q25": q25, "q75": q75, "highest": highest, "england": england, "area": area}
    d = max(england - lowest, highest - england)
    out = {}
    for key, v in values.items():
        x = 0.5 if d <= 0 else 0.5 + (v - england) / (2 * d)
        out[key] = 1 - x if polarity == "low" else x
    return out


def _category(c) -> str:
    if c is None or c.label == "not compared":
        return "none"
    if c.label in ("similar", "same"):
        return "similar"
    if not c.tested:
        return "untested"
    return c.label if c.label in ("better", "worse") else "different"


def _versus(c) -> str:
    """The comparison with England as a phrase for the alt text."""
    if c is None or c.label == "not compared":
        return "not compared with England"
    if c.label == "similar":
        return "similar to England"
    if c.label == "same":
        return "the same as England"
    if c.tested:
        return f"significantly {c.label} than England" + (" (99.8% level)" if c.level == "99.8%" else "")
    return f"{c.label} than England (not tested)"


def spine_rows(paper, indicators) -> pd.DataFrame:
    """One row per indicator (Indicator objects or ids), in the order given: the values, the LA
    range, the comparison with England, the scaled positions (x_*) and, for each, whether it is
    `shown` and if not the `reason`. Formatted text (`*_text`) uses each indicator's format."""
    out = []
    for ind in indicators:
        ind = paper.catalogue[ind] if isinstance(ind, str) else ind
        row = {"indicator": ind.id, "name": ind.name, "polarity": ind.polarity, "shown": False, "reason": ""}
        out.append(row)
        if not ind.is_statistic:
            row["reason"] = "evidence, not a statistic"
            continue
        if ind.value_type == "count":
            row["reason"] = "a count, not comparable between areas of different sizes"
            continue
        a = paper.assess(ind)
        if not a.has_value:
            row["reason"] = f"no value for {paper.area.name}"
            continue
        row.update(year=a.year, period=a.row["period"], area_value=float(a.row["value"]))
        if a.england is None or missing(a.england["value"]):
            row["reason"] = "no England value"
            continue
        values = paper.la_values(ind.id, a.year).dropna()
        if len(values) < MIN_RANKED:
            row["reason"] = (f"values for only {len(values)} English local authorit{'y' if len(values) == 1 else 'ies'}; "
                             f"at least {MIN_RANKED} are needed for a national range")
            continue
        q25, _, q75 = quartiles(values)
        england = float(a.england["value"])
        row.update(england=england, lowest=float(values.min()), q25=q25, q75=q75, highest=float(values.max()),
                   n_las=len(values), comparison=paper._verdict(ind, a, paper.standing(ind)),
                   category=_category(a.vs_england), versus=_versus(a.vs_england), shown=True)
        pos = spine_scale(row["lowest"], q25, q75, row["highest"], england, row["area_value"], ind.polarity)
        row.update({f"x_{k}": v for k, v in pos.items()})
        for k in ("area_value", "england", "lowest", "q25", "q75", "highest"):
            row[f"{k}_text"] = ind.format(row[k])
    cols = ["indicator", "name", "period", "year", "polarity", "area_value", "england", "lowest", "q25", "q75",
            "highest", "n_las", "comparison", "category", "versus", "shown", "reason"]
    frame = pd.DataFrame(out)
    for c in cols:
        if c not in frame:
            frame[c] = np.nan
    rest = [c for c in frame.columns if c not in cols]
    return frame[cols + rest]


def _ends(r) -> tuple[str, str]:
    """Data-table text for the left and right ends: worst/best, or lowest/highest without polarity."""
    if r["polarity"] == "high":
        return r["lowest_text"], r["highest_text"]
    if r["polarity"] == "low":
        return r["highest_text"], r["lowest_text"]
    return f"{r['lowest_text']} (lowest)", f"{r['highest_text']} (highest)"


def spine_chart(rows: pd.DataFrame, area_name: str, subject: str = "") -> tuple:
    """Draw the spine chart for the `shown` rows of spine_rows (first row at the top).

    Returns (figure, alt text, data table). `subject` names the set in the alt text, e.g.
    "priority 1" gives "Spine chart of 9 priority 1 indicators ...".
    """
    rows = rows[rows["shown"].astype(bool)].reset_index(drop=True)
    if rows.empty:
        raise ValueError("no indicator can be shown on the spine chart (see the `reason` column)")
    n = len(rows)
    labels = []
    for _, r in rows.iterrows():
        text = textwrap.fill(r["name"], WRAP, break_on_hyphens=False)
        text += f"\n{area_name} {r['area_value_text']} ({r['period']})"
        labels.append(text + ("\n(no better or worse: lower on the left)" if r["polarity"] == "none" else ""))
    # layout in inches: labels | spine | England | comparison, one row per indicator
    lines = max(label.count("\n") + 1 for label in labels)
    row_h, top, bottom, left_w, spine_w = 0.16 * lines + 0.16, 0.35, 0.45 + 0.24 * (3 + len(MARKS)) / 2, 3.0, 3.4
    height, width = top + n * row_h + bottom, 9.6
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((left_w / width, bottom / height, spine_w / width, n * row_h / height))
    col_england, col_words = 1 + 0.15 / spine_w, 1 + 1.45 / spine_w  # axes fractions
    ys = np.arange(n)[::-1].astype(float)
    left = np.minimum(rows["x_lowest"], rows["x_highest"])
    right = np.maximum(rows["x_lowest"], rows["x_highest"])
    q_left = np.minimum(rows["x_q25"], rows["x_q75"])
    q_right = np.maximum(rows["x_q25"], rows["x_q75"])
    ax.barh(ys, right - left, left=left, height=0.5, color=RANGE_COLOUR, zorder=1)
    ax.barh(ys, q_right - q_left, left=q_left, height=0.5, color=IQR_COLOUR, zorder=2)
    ax.axvline(0.5, color=INK, linewidth=1.6, zorder=3)
    side = ax.get_yaxis_transform()
    for y, (_, r) in zip(ys, rows.iterrows()):
        marker, colour, _ = MARKS[r["category"]]
        ax.scatter([r["x_area"]], [y], marker=marker, s=95, facecolor=colour, edgecolor=INK, linewidth=1.1, zorder=4)
        ax.text(col_england, y, r["england_text"], transform=side, va="center", fontsize=9, color=INK)
        ax.text(col_words, y, r["comparison"], transform=side, va="center", fontsize=9, color=INK)
    ax.set_yticks(ys, labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.5, n - 0.5)
    ax.set_xlim(-0.03, 1.03)
    ax.set_xticks([])
    for edge in ("left", "bottom", "top", "right"):
        ax.spines[edge].set_visible(False)
    head = dict(transform=ax.transAxes, va="bottom", fontsize=9, fontweight="bold", color=INK)
    ax.text(col_england, 1.0, "England", **head)
    ax.text(col_words, 1.0, "Compared with England", **head)
    ax.text(-0.02, 1.0, f"Indicator ({area_name} value, period)", ha="right", **head)
    ax.text(0.5, 1.0, "England", ha="center", **{**head, "fontweight": "normal"})
    foot = dict(transform=ax.transAxes, va="top", fontsize=9, color=INK)
    ax.text(0.0, -0.05 / (n * row_h), "\u2190 Worse", ha="left", **foot)
    ax.text(1.0, -0.05 / (n * row_h), "Better \u2192", ha="right", **foot)
    present = [k for k in MARKS if k in set(rows["category"])]
    handles = [Patch(facecolor=RANGE_COLOUR, label="English LAs: lowest to highest"),
               Patch(facecolor=IQR_COLOUR, label="English LAs: 25th to 75th percentile"),
               Line2D([], [], color=INK, linewidth=1.6, label="England (centre of each scale)")]
    handles += [Line2D([], [], linestyle="none", marker=MARKS[k][0], markersize=9, markerfacecolor=MARKS[k][1],
                       markeredgecolor=INK, label=f"{area_name}: {MARKS[k][2]}") for k in present]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(-0.35, -0.32 / (n * row_h)), ncol=2,
              fontsize=9, frameon=False, borderaxespad=0)

    parts = [f"{r['name']}: {area_name} {r['area_value_text']} ({r['period']}), England {r['england_text']}, "
             f"LA range {r['lowest_text']} to {r['highest_text']}, {r['versus']}" for _, r in rows.iterrows()]
    what = f"{n} {subject + ' ' if subject else ''}indicator{'s' if n != 1 else ''}"
    alt = (f"Spine chart of {what} for {area_name} against the range of English local authorities. "
           "Each row is scaled so England is in the middle, with worse values on the left (lower values, for "
           "indicators with no better or worse direction). "
           + "; ".join(parts) + ".")
    ends = [_ends(r) for _, r in rows.iterrows()]
    data = pd.DataFrame({
        "Indicator": rows["name"], "Period": rows["period"], area_name: rows["area_value_text"],
        "England": rows["england_text"], "Worst (or lowest)": [e[0] for e in ends],
        "25th percentile": rows["q25_text"], "75th percentile": rows["q75_text"],
        "Best (or highest)": [e[1] for e in ends], "Compared with England": rows["comparison"]})
    return fig, alt, data


def _subject(indicators) -> str:
    priorities = {i.priority for i in indicators}
    return f"priority {priorities.pop()}" if len(priorities) == 1 and 0 not in priorities else ""


def spine_section(paper, indicators, caption: str | None = None):
    """The spine chart for a set of indicators (e.g. one priority), a note on how to read it, the
    data table, and the indicators not shown with the reason for each."""
    from cypp_lib.report.paper import _html

    indicators = [paper.catalogue[i] if isinstance(i, str) else i for i in indicators]
    rows = spine_rows(paper, indicators)
    shown = rows[rows["shown"].astype(bool)]
    area = paper.area.name
    skipped = "; ".join(f"{r['name']} ({r['reason']})" for _, r in rows[~rows["shown"].astype(bool)].iterrows())
    note = f"<p class=\"cypp-meta\">Not shown in the spine chart: {esc(skipped)}.</p>" if skipped else ""
    if shown.empty:
        return _html(f"<p>None of these indicators can be shown on a spine chart.</p>{note}")
    subject = _subject(indicators)
    caption = caption or (f"Spine chart: {area} against England and the range of English local authorities"
                          + (f", {subject} indicators" if subject else ""))
    fig, alt, data = spine_chart(rows, area, subject)
    how = (f"<p>How to read the spine chart: each row is one indicator. The grey bar shows the range of English "
           f"local authorities' values (the darker part is the middle half, 25th to 75th percentile) and the "
           f"vertical line is England. Each row has its own scale, with England in the middle and better values on "
           f"the right (for indicators with no better or worse direction, higher values on the right). The marker is "
           f"{esc(area)}; its shape, and the words on the right, give the comparison with England.</p>")
    numeric = tuple(c for c in data.columns if c not in ("Indicator", "Period", "Compared with England"))
    return _html(how + figure_html(fig, alt, caption, data, numeric=numeric) + note)
