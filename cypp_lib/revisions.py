"""Revisions: what a new delivery changed for periods already published.

Compares two tidy tables (old and new) on indicator, area and period and reports:
- revised values: both published, and different by more than the coarser rounding of the two
  (a value published as 54 and later as 53.6 is the same figure rounded, not a revision);
- areas or periods added or lost, per indicator;
- values newly suppressed or newly published.

Used twice: within a build, between an indicator's earlier vintage (e.g. the 2019 early-years
dashboard) and its current source; and between builds, the last good processed table against
the new one, so that an analyst can tell the board what was revised since the last paper.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.geography import CODE_CHANGES

KEY = ["indicator", "area_code", "year"]
COLUMNS = ["indicator", "area_code", "area_name", "year", "period", "change", "old", "new", "difference",
           "old_source", "new_source"]


def decimals(values: pd.Series, most: int = 6) -> int:
    """The number of decimal places a series is published to (float artefacts ignored)."""
    v = values.dropna().to_numpy(dtype=float)
    for d in range(most + 1):
        if np.all(np.abs(v - np.round(v, d)) < 1e-9 * np.maximum(1, np.abs(v))):
            return d
    return most


def compare(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Changes from `old` to `new` (tidy tables), one row per change, COLUMNS. An LA whose ONS code
    changed (geography.CODE_CHANGES) is compared under its current code."""
    old = old.assign(area_code=old["area_code"].replace(CODE_CHANGES))
    new = new.assign(area_code=new["area_code"].replace(CODE_CHANGES))
    out = []
    for ind, new_rows in new.groupby("indicator", sort=True):
        old_rows = old[old["indicator"] == ind]
        if old_rows.empty:
            continue
        merged = old_rows.merge(new_rows, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
        tol = 0.5 * 10.0 ** -min(decimals(old_rows["value"]), decimals(new_rows["value"])) + 1e-9
        both = merged[merged["_merge"] == "both"]
        ok_old, ok_new = both["status_old"] == "ok", both["status_new"] == "ok"
        diff = both["value_new"] - both["value_old"]
        kinds = np.select([ok_old & ok_new & (diff.abs() > tol), ok_old & ~ok_new, ~ok_old & ok_new],
                          ["revised", "now suppressed or missing", "newly published"], "")
        out.append(_rows(both[kinds != ""], kinds[kinds != ""]))
        out.append(_rows(merged[merged["_merge"] == "left_only"], "period or area no longer published"))
        out.append(_rows(merged[merged["_merge"] == "right_only"], "period or area added"))
    frames = [f for f in out if not f.empty]
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return result.sort_values(["indicator", "area_code", "year"], kind="stable").reset_index(drop=True)


def compare_vintages(earlier: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Changes from an earlier vintage to the current source, over the periods the current source
    covers (an earlier delivery's longer history is not a revision), losses and revisions only."""
    first = current.groupby("indicator")["year"].min()
    earlier = earlier[earlier["year"] >= earlier["indicator"].map(first)]
    changes = compare(earlier.drop_duplicates(KEY), current)
    return changes[changes["change"] != "period or area added"].reset_index(drop=True)


def _rows(df: pd.DataFrame, change) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    pick = lambda col: df[f"{col}_new"].combine_first(df[f"{col}_old"])  # noqa: E731
    return pd.DataFrame({
        "indicator": df["indicator"].to_numpy(), "area_code": df["area_code"].to_numpy(),
        "area_name": pick("area_name").to_numpy(), "year": df["year"].to_numpy(), "period": pick("period").to_numpy(),
        "change": change, "old": df["value_old"].to_numpy(), "new": df["value_new"].to_numpy(),
        "difference": (df["value_new"] - df["value_old"]).to_numpy(),
        "old_source": df["source_old"].to_numpy(), "new_source": df["source_new"].to_numpy()})


def summary(changes: pd.DataFrame, area_code: str | None = None, limit: int = 12) -> list[str]:
    """Plain-English lines: counts per kind of change per indicator, then the area's own revisions."""
    lines = []
    for (ind, change), grp in changes.groupby(["indicator", "change"], sort=True):
        years = sorted({int(y) for y in grp["year"].dropna()})
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
        lines.append(f"{ind}: {len(grp)} value(s) {change} ({span}).")
    if area_code is not None:
        own = changes[(changes["area_code"] == area_code) & (changes["change"] == "revised")]
        for r in own.head(limit).itertuples(index=False):
            lines.append(f"{r.area_name} {r.indicator} {r.period}: {r.old:g} in {r.old_source}, "
                         f"{r.new:g} in {r.new_source} ({r.difference:+.1f}).")
    return lines


def build_revisions(previous: pd.DataFrame | None, table: pd.DataFrame) -> dict:
    """Changes since the last good build, for provenance: counts by kind and the rows (capped)."""
    if previous is None:
        return {"compared": False, "count": 0, "by_change": {}, "rows": []}
    changes = compare(previous, table)
    return {"compared": True, "count": len(changes),
            "by_change": {k: int(v) for k, v in changes["change"].value_counts().sort_index().items()},
            "rows": records(changes.head(5000))}


def records(changes: pd.DataFrame) -> list[dict]:
    """JSON-safe records of a changes frame."""
    out = changes.astype(object).where(changes.notna(), None)
    return [{k: (int(v) if k == "year" and v is not None else v) for k, v in r.items()} for r in out.to_dict("records")]


def page(provenance: dict, area: str, withheld: frozenset = frozenset()) -> str:
    """An accessible, self-contained HTML page: revisions between deliveries and since the last build.

    Rows of the `withheld` indicators (those under a disclosure rule that hides small counts) are
    left out: an earlier and a later value side by side could give a hidden small number away."""
    from html import escape

    def table(rows: list[dict], caption: str) -> str:
        if not rows:
            return f"<p>{escape(caption)}: none.</p>"
        head = "".join(f'<th scope="col">{h}</th>' for h in
                       ("Indicator", "Area", "Period", "Change", "Earlier", "Later", "Difference"))
        body = "".join(
            f"<tr><td>{escape(r['indicator'])}</td><td>{escape(str(r['area_name']))}</td><td>{escape(str(r['period']))}</td>"
            f"<td>{escape(r['change'])}</td><td>{_fmt(r['old'])}</td><td>{_fmt(r['new'])}</td><td>{_fmt(r['difference'], '+')}</td></tr>"
            for r in rows)
        return (f'<div class="cypp-table-wrap" role="region" aria-label="{escape(caption)}" tabindex="0">'
                f"<table><caption>{escape(caption)} ({len(rows):,} rows)</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table></div>")

    vintage = provenance.get("vintage_revisions", [])
    since = provenance.get("revisions", {})
    own = [r for r in vintage if str(r["area_name"]).casefold() == area.casefold() and r["indicator"] not in withheld]
    since_rows = [r for r in since.get("rows", [])
                  if str(r["area_name"]).casefold() == area.casefold() and r["indicator"] not in withheld]
    held = sorted({r["indicator"] for r in (*vintage, *since.get("rows", [])) if r["indicator"] in withheld})
    held_text = (f"<p>Not listed: changes to {len(held)} indicator(s) under a small-count disclosure rule "
                 f"({escape(', '.join(held))}), because an earlier and a later value side by side could give a "
                 "hidden small number away.</p>" if held else "")
    since_text = ("This is the first build in this folder: there is no earlier build to compare with."
                  if not since.get("compared") else
                  f"{since.get('count', 0):,} value(s) differ from the last good build: "
                  + (", ".join(f"{n:,} {k}" for k, n in since.get("by_change", {}).items()) or "none") + ".")
    from cypp_lib.site import shell

    body = f"""
<p>Publishers revise figures they have already published. A value counts as revised when the two
deliveries differ by more than the rounding of the coarser one (54 and 53.6 are the same figure rounded).</p>
<h2>Between an earlier and the current delivery</h2>
<p>{len(vintage):,} value(s) differ between an indicator's earlier delivery and its current source; the papers use the current source.</p>
{table(own, f"Changes for {area}")}
<h2>Since the last build</h2>
<p>{escape(since_text)}</p>
{table(since_rows[:500], f"Changes for {area} since the last build")}
{held_text}"""
    return shell("Revisions: what later deliveries changed", body, bool(provenance.get("demo")))


def _fmt(v, sign: str = "") -> str:
    return "" if v is None or v != v else f"{v:{sign},.2f}".rstrip("0").rstrip(".")
