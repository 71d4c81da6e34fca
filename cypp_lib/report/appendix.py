"""The appendix of every paper, "How this paper was produced": parameters and code version, the
raw files (publisher, periods used, download date, checksum), validation and warnings, revisions
that touch the paper, and the methods used (with the references in each cypp_lib.stats module)."""

from __future__ import annotations

from fnmatch import fnmatch

import pandas as pd

from cypp_lib.report.html import esc, table

METHODS_HTML = (
    "<p>Methods (cypp_lib.stats; references in each module):</p><ul>"
    "<li>Confidence intervals: Wilson score for proportions; Byar's method for rates and counts, exact Poisson "
    "limits below 10 events; Student's t for means. Published intervals (Fingertips) are used as published.</li>"
    "<li>Comparison with England and the region (Fingertips method): 'similar' when the benchmark lies inside the "
    "area's 95% interval; 'significantly better/worse' (or higher/lower for indicators without a good direction) "
    "otherwise, marked 99.8% when it also lies outside the 99.8% interval. Where the source publishes no counts "
    "or intervals (LAIT), differences are described but never called significant.</li>"
    "<li>Statistical neighbours: the pooled value (sum of numerators over sum of denominators, with a Wilson or "
    "Byar's interval) when every neighbour has counts, otherwise the unweighted mean of their values (LAIT's "
    "neighbour average); the table names the one used.</li>"
    "<li>Change since the previous period: significant when the two 95% intervals do not overlap (conservative); "
    "not assessed without intervals.</li>"
    "<li>Recent trend (Fingertips): the five most recent consecutive single-year points; chi-squared test for "
    "trend in proportions, or weighted regression for rates; significant at p &lt; 0.002 only when all six "
    "slopes (all points and each point left out) agree in sign. 'Not calculated' when counts or intervals "
    "are not published or points are missing.</li>"
    "<li>Quartile bands and ranks (LAIT): bands A (best quarter) to D from the type-7 quartiles of all LAs' "
    "values, a value on a boundary in the lower band; rank 1 = best, ties share the lowest rank. None for "
    "indicators without a good direction or for counts.</li>"
    "<li>Equity gaps: the group's value minus the reference group's; a 95% interval (Newcombe's hybrid score "
    "for proportions) only where counts are published; 'similar' when that interval includes zero. Relative "
    "rates: the group's rate divided by the reference group's, with a 95% interval on the log scale (Katz). "
    "Where counts are rebuilt from rounded published percentages (NCCIS SEND groups) the intervals are "
    "approximate.</li>"
    "<li>Spine charts (Fingertips): each indicator's scale puts England at the centre and the local authority "
    "furthest from England at an end; the bar spans all English LAs, the darker part their middle half (25th to "
    "75th percentile, type-7 quantiles); worse values are on the left.</li>"
    "<li>Projections: an ordinary least-squares straight line through the last five annual values, extended "
    "three years, with a 95% prediction interval from the t distribution (n - 2 degrees of freedom). It shows "
    "where the recent trend would lead if it continued; it is not a forecast.</li></ul>"
)


def appendix_html(paper) -> str:
    """How this paper was produced: parameters, code version, data files (publisher, periods
    used, download date, checksum), validation and warnings, revisions, methods."""
    from cypp_lib._version import describe
    from cypp_lib.catalogue.manifest import load_manifest

    p = paper.provenance
    manifest = load_manifest()
    rows = []
    for f in p.get("files", []):
        used = paper.table[paper.table["source"] == f["file"]].sort_values("year")
        first, last = (used["period"].iloc[0], used["period"].iloc[-1]) if not used.empty else ("", "")
        periods = (first if first == last else f"{first} to {last}") if first else "earlier delivery (compared only)"
        entry = next((m for m in manifest.values() if fnmatch(f["file"], m.path)), None)
        rows.append([f["file"], entry.publisher if entry else "", periods, f"{f['rows']:,}",
                     f.get("retrieved", "generated" if p.get("demo") else "supplied by hand"), f["sha256"][:16]])
    files = pd.DataFrame(rows, columns=["Raw file", "Publisher", "Periods", "Rows", "Downloaded",
                                        "SHA-256 (first 16)"])
    missing_files = "".join(f"<li>{esc(m['file'])} (feeds {esc(', '.join(m['indicators']))})</li>"
                            for m in p.get("missing", []))
    warnings = "".join(f"<li>{esc(w)}</li>" for w in p.get("warnings", []))
    validation = p.get("validation", {})
    checked = validation.get("checked", [])
    vtext = (f"All {len(checked)} raw files passed their Great Expectations checks "
             f"({sum(c.get('expectations', 0) for c in checked):,} expectations over "
             f"{sum(c.get('rows', 0) for c in checked):,} rows); the full report is validation.html."
             if validation.get("success", True) else "Some raw files failed validation.")
    params = pd.DataFrame([
        ["Area", f"{paper.area.name} ({paper.area.code})"],
        ["Period", "latest available for each indicator" if paper.period == "latest" else paper.period],
        ["Statistical neighbours", f"{paper.neighbour_model} model: " + (", ".join(n.name for n in paper.neighbours) or "none")],
        ["Other comparators", f"England; {paper.region_label}"],
        ["Meeting date", paper.meeting_date or "not given"],
        ["Data", "synthetic demonstration data" if p.get("demo") else f"raw folder '{p.get('raw_dir', '')}'"],
        ["Code", describe(p.get("code"))],
    ], columns=["Parameter", "Value"])
    return (
        table(params, caption="Parameters and code version", download=False)
        + table(files, caption="Raw files used")
        + (f"<p>Files not supplied (their indicators show no data):</p><ul>{missing_files}</ul>"
           if missing_files else "")
        + f"<p>Validation: {esc(vtext)}</p>"
        + (f"<p>Data quality warnings (these values were excluded):</p><ul>{warnings}</ul>" if warnings else
           "<p>No data quality warnings.</p>")
        + revisions_html(paper)
        + disclosure_html(paper)
        + METHODS_HTML)


def _shown_indicators(paper) -> list[str]:
    """The indicators this paper read or judged so far (its sections, scorecards and charts), in
    catalogue order."""
    used = {k[0] for k in paper._by_key} | set(paper._assessed)
    return [i.id for i in paper.catalogue.statistics() if i.id in used]


def disclosure_html(paper) -> str:
    """Which disclosure rule applied to this paper's indicators and how many cells each hid, in
    the areas the paper shows (cypp_lib.disclosure)."""
    summary = paper.disclosure
    if summary is None:
        return ""
    ids = _shown_indicators(paper)
    areas = [paper.area.code, *(c for _, c in paper.comparators()), *(n.code for n in paper.neighbours)]
    counts = summary.counts(ids, areas)
    rows = [[name, summary.rules[name].text(), f"{c['indicators']}", f"{c['primary']:,}", f"{c['secondary']:,}",
             f"{c['publisher']:,}", f"{c['rounded']:,}"] for name, c in counts.items()]
    df = pd.DataFrame(rows, columns=["Rule", "What it does", "Indicators", "Hidden: small counts",
                                     "Hidden: secondary", "Suppressed by the publisher", "Counts rounded"])
    if summary.enabled:
        lede = ("Disclosure control: no number in this paper, its charts, alt text or CSV downloads can identify a "
                "child. Each indicator's rule (in the catalogue) was applied before anything was shown; cells are "
                f"counted over {esc(paper.area.name)} and the areas it is compared with, all periods.")
    else:
        lede = ("<strong>Disclosure control was not applied: this is an internal working paper, NOT FOR "
                "PUBLICATION.</strong> Small numbers are shown; only what the publisher suppressed is hidden. "
                "The table shows the rules a published paper applies; here cypp hid nothing itself.")
    return (f"<p>{lede}</p>" + table(df, caption="Disclosure control: rules applied and cells hidden",
                                     numeric=("Indicators", "Hidden: small counts", "Hidden: secondary",
                                              "Suppressed by the publisher", "Counts rounded"), download=False))


def revisions_html(paper) -> str:
    """Revisions that touch this paper's indicators: between deliveries, and since the last build."""
    from cypp_lib.revisions import summary

    ids = {i.id for i in paper.catalogue.statistics()}
    p = paper.provenance
    vintage = pd.DataFrame([r for r in p.get("vintage_revisions", []) if r["indicator"] in ids])
    lines = summary(vintage, paper.area.code) if not vintage.empty else []
    items = "".join(f"<li>{esc(x)}</li>" for x in lines)
    text = (f"<p>Revised by a later delivery (the papers use the later one):</p><ul>{items}</ul>" if items
            else "<p>No value used here was revised between deliveries.</p>")
    # what changed since the previous build is on revisions.html: a paper depends on its data, not
    # on the build history, so that an unchanged paper is never re-executed (cypp_lib/cache.py)
    return text + "<p>What changed since the previous build is listed on revisions.html.</p>"

