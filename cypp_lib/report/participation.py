"""The priority 4 evidence: what the participation and co-production log says, for the board.

Plan outcomes 11-13 ("listened to and respected") are evidenced by the log of engagement
activities (local/participation_log.csv, docs/local-extracts.md), not by a statistic.
`participation_section(paper)` presents the log for the paper's period: computed sentences
(activities and participants by financial year and plan outcome, how many led to a recorded
change, which services ran them), a chart of activities by outcome with its data table, a "you
said, we did" table and a table of what has not yet been acted on.

The records come from the processed provenance (provenance["participation_log"], written by
`prepare` through cypp_lib.participation_log, without the analyst's `notes`); papers never read
raw files.

Rules:
- Years are financial years (April to March), as for the participation_change indicator. The
  paper's year is the latest complete one (a year is complete once the log holds an activity
  dated after its end) or the year asked for; the previous year is shown beside it. A year that
  is not complete is said to be so, with the log's last date.
- The log is a record of every activity, not a sample: no significance words.
- `participants` counts people. Any participant total shown is "fewer than 5" when it is 1-4 (the
  catalogue's small_counts idea); the tables show no per-activity participant numbers. Totals over
  activities count a person once per activity they took part in, and the sentences say so.
- Identical rows (same activity, "you said" and "we did") are shown once with "n sessions".
- All free text is escaped; ordering is deterministic (dates, then text).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from cypp_lib.errors import ParameterError
from cypp_lib.participation_log import LOG_FILE, PROVENANCE_KEY
from cypp_lib.report.html import esc, table
from cypp_lib.sources.common import period_label

#: The plan outcomes the log serves, in the short words the log's documentation uses.
OUTCOME_NAMES = {11: "involvement in decision making", 12: "co-production informing commissioning",
                 13: "children with SEND and their parents"}
#: Hatching per outcome, so that colour is never the only cue in the chart.
HATCHES = {11: "", 12: "///", 13: "..."}
SMALL = range(1, 5)
INDICATOR = "participation_change"


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


# ---------------------------------------------------------------------------------- small helpers


def people(n: int) -> str:
    """A published count of people: 1-4 shown as 'fewer than 5'."""
    n = int(n)
    return "fewer than 5" if n in SMALL else f"{n:,}"


def fy_of(d: date) -> int:
    """The financial year (the year it ends in) that holds date d."""
    return d.year + 1 if d.month >= 4 else d.year


def fy_end(year: int) -> date:
    return date(year, 3, 31)


def fy_label(year: int) -> str:
    return period_label(year, "financial")


def day(d: date) -> str:
    """12 May 2019."""
    return f"{d.day} {d:%B %Y}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _activities(n: int) -> str:
    return _plural(n, "activity", "activities")


def outcome_words(o: int) -> str:
    return f"outcome {o} ({OUTCOME_NAMES[o]})"


def _outcomes(outcome) -> tuple[int, ...]:
    if outcome is None:
        return tuple(OUTCOME_NAMES)
    wanted = [outcome] if isinstance(outcome, str) or not hasattr(outcome, "__iter__") else list(outcome)
    try:
        out = tuple(sorted({int(o) for o in wanted}))
    except (TypeError, ValueError):
        out = ()
    if not out or not set(out) <= set(OUTCOME_NAMES):
        raise ParameterError(f"outcome {outcome!r}: the participation log serves outcomes 11, 12 and 13")
    return out


# ---------------------------------------------------------------------------------- the log


def log_frame(records: list[dict], area_code: str | None = None) -> pd.DataFrame:
    """The published records as a frame (one row per activity) with `date`, `year` (financial)
    and `changed`; only the area's rows when area_code is given."""
    cols = ["area_code", "activity_date", "activity", "service", "participants_group", "participant_type",
            "participants", "outcome", "you_said", "we_did"]
    df = pd.DataFrame(records, columns=cols)
    if area_code is not None and "area_code" in df:
        df = df[df["area_code"].fillna(area_code) == area_code]
    for c in ("activity", "service", "participants_group", "participant_type", "you_said", "we_did"):
        df[c] = df[c].fillna("").astype(str).str.strip()
    df["date"] = [date.fromisoformat(str(d)) for d in df["activity_date"]]
    df["year"] = [fy_of(d) for d in df["date"]]
    df["participants"] = df["participants"].astype(int)
    df["outcome"] = df["outcome"].astype(int)
    df["changed"] = df["we_did"] != ""
    return df.sort_values(["date", "activity", "service", "participants_group", "you_said", "we_did"],
                          kind="stable").reset_index(drop=True)


def paper_year(period: str, last: date, years_with_activities: set[int]) -> tuple[int, bool]:
    """(the financial year the paper reports, whether it is complete). 'latest': the latest
    complete year holding an activity (as the participation_change indicator), or the log's
    current year when none is complete; otherwise the year asked for (the year it ends in)."""
    if str(period) != "latest":
        year = int(period)
    else:
        complete = [y for y in years_with_activities if fy_end(y) < last]
        year = max(complete) if complete else fy_of(last)
    return year, fy_end(year) < last


def not_supplied(provenance: dict) -> str:
    """The paragraph shown when the processed data holds no log."""
    supplied = any(f.get("file") == LOG_FILE for f in provenance.get("files", []))
    if supplied:
        return ("<p>The participation and co-production log (" + esc(LOG_FILE) + ") was supplied, but the "
                "processed data was prepared by an earlier version of cypp that did not keep its content. "
                "Rebuild the papers (<code>cypp build</code>) to show who took part and what changed.</p>")
    return ("<p>The participation and co-production log (" + esc(LOG_FILE) + ") was not supplied with this "
            "build, so this paper cannot show who took part in decisions or what changed as a result. The "
            "log's columns, its template and how to keep it are described in docs/local-extracts.md.</p>")


# ---------------------------------------------------------------------------------- sentences


def _pct(num: int, den: int, catalogue) -> str:
    try:
        return catalogue[INDICATOR].format(100 * num / den)
    except (KeyError, TypeError):  # no catalogue, or one without the indicator
        return f"{100 * num / den:.0f}%"


def sentences(log: pd.DataFrame, outcomes: tuple[int, ...], year: int, complete: bool, last: date,
              catalogue=None) -> list[str]:
    """The computed sentences (plain text, not yet escaped) for the paper's year and the one before."""
    prev = year - 1
    sel = log[log["outcome"].isin(outcomes)]
    cur, old = sel[sel["year"] == year], sel[sel["year"] == prev]
    scope = "" if len(outcomes) == len(OUTCOME_NAMES) else " for " + " and ".join(outcome_words(o) for o in outcomes)
    out = []

    def counted(rows) -> str:
        if rows.empty:
            return "no activities"
        return f"{_activities(len(rows))} with {people(rows['participants'].sum())} participants"

    first = f"In {fy_label(year)} the log records {counted(cur)}{scope}"
    first += f"; in {fy_label(prev)}, {counted(old)}." if not old.empty or not cur.empty else "."
    if not cur.empty or not old.empty:
        first += (" Participants are counted once for each activity they took part in, so a person at two "
                  "activities counts twice.")
    out.append(first)

    if not complete:
        out.append(f"{fy_label(year)} is not yet complete: the log runs to {day(last)}, so these counts may grow.")
    else:
        later = sel[sel["year"] > year]
        if not later.empty:
            part = (f"so far in {fy_label(fy_of(last))}, an incomplete year" if later["year"].min() == fy_of(last)
                    else f"after {fy_label(year)}")
            out.append(f"The log runs to {day(last)}; {_activities(len(later))} logged {part}, "
                       f"{'is' if len(later) == 1 else 'are'} not counted here.")

    if len(outcomes) > 1 and not (cur.empty and old.empty):
        parts = []
        for o in outcomes:
            c, p = cur[cur["outcome"] == o], old[old["outcome"] == o]
            text = f"{outcome_words(o)}, {counted(c)}"
            parts.append(f"{text} ({fy_label(prev)}: {_activities(len(p)) if not p.empty else 'none'})")
        out.append(f"By plan outcome in {fy_label(year)}: " + "; ".join(parts) + ".")

    if not cur.empty:
        n, k = len(cur), int(cur["changed"].sum())
        text = (f"Of the {_activities(n)} in {fy_label(year)}, {k:,} ({_pct(k, n, catalogue)}) led to a recorded "
                f"change (\"we did\")")
        if not old.empty:
            n0, k0 = len(old), int(old["changed"].sum())
            text += f", against {k0:,} of {n0:,} ({_pct(k0, n0, catalogue)}) in {fy_label(prev)}"
        out.append(text + ". Changes are often recorded months after an activity, so the latest year's count "
                          "can rise as the log is brought up to date.")
        services = cur.groupby("service").size().reset_index(name="n")
        services = services.sort_values(["n", "service"], ascending=[False, True], kind="stable")
        listed = ", ".join(f"{s} ({_activities(int(n))})" for s, n in services.itertuples(index=False))
        out.append(f"In {fy_label(year)} the activities were run by {_plural(len(services), 'service', 'services')}: "
                   f"{listed}.")
    return out


# ---------------------------------------------------------------------------------- tables


def who(group: str, kind: str) -> str:
    """'Young Inspectors (young people)'; the type is left out when the group's name already says it."""
    kind = "mixed group" if kind == "mixed" else kind
    if not kind or kind.casefold() in group.casefold():
        return group
    return f"{group}; {kind}" if group.endswith(")") else f"{group} ({kind})"


def _join(values) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))  # first-seen order (rows are sorted by date)


def grouped(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct (activity, you said, we did): first and last date, sessions, services,
    who took part and outcomes; ordered by first date, then text."""
    out = []
    for (activity, said, did), g in rows.groupby(["activity", "you_said", "we_did"], sort=False):
        g = g.sort_values("date", kind="stable")
        first, lastd, n = g["date"].iloc[0], g["date"].iloc[-1], len(g)
        when = day(first) if n == 1 else f"{day(first)} to {day(lastd)} ({n} sessions)"
        out.append({"first": first, "Activity": activity, "Date": when, "Plan outcome": _join(
            str(o) for o in sorted(g["outcome"].unique())), "Service": _join(g["service"]),
            "Who took part": _join(who(a, b) for a, b in zip(g["participants_group"], g["participant_type"])),
            "You said": said, "We did": did, "sessions": n})
    cols = ["first", "Activity", "Date", "Plan outcome", "Service", "Who took part", "You said", "We did", "sessions"]
    frame = pd.DataFrame(out, columns=cols)
    return frame.sort_values(["first", "Activity", "You said", "We did"], kind="stable").reset_index(drop=True)


def you_said_we_did(log: pd.DataFrame, outcomes: tuple[int, ...], year: int) -> pd.DataFrame:
    rows = log[log["outcome"].isin(outcomes) & (log["year"] == year) & log["changed"]]
    return grouped(rows)


def not_yet_acted_on(log: pd.DataFrame, outcomes: tuple[int, ...], years: tuple[int, ...]) -> pd.DataFrame:
    rows = log[log["outcome"].isin(outcomes) & log["year"].isin(years) & ~log["changed"]]
    return grouped(rows)


def _rows(frame: pd.DataFrame) -> str:
    n, rows = int(frame["sessions"].sum()), len(frame)
    if n == rows:
        return _activities(n)
    return (f"{_activities(n)} in {_plural(rows, 'row', 'rows')}: repeated sessions of an activity with the same "
            f"\"you said\" and \"we did\" are shown once")


def _shown(frame: pd.DataFrame, outcomes: tuple[int, ...], did: bool) -> pd.DataFrame:
    cols = ["Activity", "Date"] + (["Plan outcome"] if len(outcomes) > 1 else []) + [
        "Service", "Who took part", "You said"] + (["We did"] if did else [])
    return frame[cols]


# ---------------------------------------------------------------------------------- chart


def year_outcome_counts(log: pd.DataFrame, outcomes: tuple[int, ...], years: tuple[int, ...]) -> pd.DataFrame:
    """Activities, activities with a recorded change and participants by year and outcome (every
    combination, zeros included), years then outcomes in order."""
    grid = pd.MultiIndex.from_product([years, outcomes], names=["year", "outcome"])
    sel = log[log["outcome"].isin(outcomes) & log["year"].isin(years)]
    counts = sel.groupby(["year", "outcome"]).agg(activities=("activity", "size"), changed=("changed", "sum"),
                                                  participants=("participants", "sum"))
    return counts.reindex(grid, fill_value=0).astype(int).reset_index()


def activity_chart(counts: pd.DataFrame, outcomes: tuple[int, ...], years: tuple[int, ...],
                   incomplete: dict[int, str]) -> tuple:
    """Grouped bars: activities per financial year, one hatched, directly labelled bar per outcome.

    counts: from year_outcome_counts; incomplete: {year: note} for years not yet complete.
    Returns (figure, alt text, data table)."""
    from cypp_lib.report.charts import PALETTE, plt

    width = min(0.8 / len(outcomes), 0.5)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    top = max(1, int(counts["activities"].max()))
    for k, o in enumerate(outcomes):
        rows = counts[counts["outcome"] == o].set_index("year").reindex(list(years), fill_value=0)
        xs = [i + (k - (len(outcomes) - 1) / 2) * width for i in range(len(years))]
        ax.bar(xs, rows["activities"], width=width * 0.92, color=PALETTE[o - 11], hatch=HATCHES[o],
               edgecolor="#0b0c0c", linewidth=0.6, label=f"Outcome {o}: {OUTCOME_NAMES[o]}")
        for x, v in zip(xs, rows["activities"]):
            ax.annotate(f"{int(v)}", (x, v), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                        fontsize=9, color="#0b0c0c")
            if len(outcomes) > 1:  # direct labels under each bar (one outcome: the legend names it)
                ax.annotate(f"Outcome {o}", (x, 0), xytext=(0, -4), textcoords="offset points", ha="center",
                            va="top", fontsize=8, color="#0b0c0c")
    ax.set_xticks(range(len(years)), [fy_label(y) + (" (incomplete)" if y in incomplete else "") for y in years])
    ax.tick_params(axis="x", length=0, pad=18 if len(outcomes) > 1 else 4)
    ax.set_ylim(0, top * 1.18)
    ax.set_ylabel("Activities logged")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))

    per_year = []
    for y in years:
        rows = counts[counts["year"] == y]
        parts = [f"{_activities(int(rows.loc[rows['outcome'] == o, 'activities'].sum()))} for outcome {o}"
                 for o in outcomes]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        per_year.append(f"in {fy_label(y)}{' (' + incomplete[y] + ')' if y in incomplete else ''}, {listed}")
    alt = ("Bar chart of participation and co-production activities logged per financial year, by plan outcome. "
           + "I" + "; ".join(per_year)[1:] + ".")  # per_year parts start "in 2023-24"

    rows = []
    for y in years:
        c = counts[counts["year"] == y]
        label = fy_label(y) + (f" ({incomplete[y]})" if y in incomplete else "")
        for o in outcomes:
            r = c[c["outcome"] == o].iloc[0]
            rows.append([label, f"Outcome {o}: {OUTCOME_NAMES[o]}", f"{int(r['activities']):,}",
                         f"{int(r['changed']):,}", people(r["participants"])])
        if len(outcomes) > 1:
            rows.append([label, "All outcomes", f"{int(c['activities'].sum()):,}", f"{int(c['changed'].sum()):,}",
                         people(c["participants"].sum())])
    data = pd.DataFrame(rows, columns=["Financial year", "Plan outcome", "Activities", "With a recorded change",
                                       "Participants (counted per activity)"])
    return fig, alt, data


# ---------------------------------------------------------------------------------- the section


def section_html(provenance: dict, area_code: str, period: str = "latest", outcome=None, catalogue=None,
                 area_name: str = "") -> str:
    """The section as an HTML string (participation_section wraps it for the notebook)."""
    outcomes = _outcomes(outcome)
    records = provenance.get(PROVENANCE_KEY)
    if records is None:
        return not_supplied(provenance)
    log = log_frame(records, area_code)
    if log.empty:
        return (f"<p>The participation and co-production log was supplied but holds no activities for "
                f"{esc(area_name or area_code)}.</p>")
    last = max(log["date"])
    year, complete = paper_year(period, last, set(log["year"]))
    years = (year - 1, year)
    incomplete = {y: f"incomplete: log to {day(last)}" for y in years if fy_end(y) >= last}
    html = [f"<p>{esc(s)}</p>" for s in sentences(log, outcomes, year, complete, last, catalogue)]

    from cypp_lib.report.charts import figure_html

    counts = year_outcome_counts(log, outcomes, years)
    fig, alt, data = activity_chart(counts, outcomes, years, incomplete)
    scope = "by plan outcome" if len(outcomes) > 1 else f"outcome {outcomes[0]} ({OUTCOME_NAMES[outcomes[0]]})"
    html.append(figure_html(fig, alt, f"Participation and co-production activities logged, {scope}, "
                                      f"{fy_label(years[0])} and {fy_label(years[1])}", data,
                            numeric=("Activities", "With a recorded change", "Participants (counted per activity)")))

    note = f" ({incomplete[year]})" if year in incomplete else ""
    done = you_said_we_did(log, outcomes, year)
    if done.empty:
        html.append(f"<p>No activity in {esc(fy_label(year))}{esc(note)} has a recorded change yet.</p>")
    else:
        html.append(table(_shown(done, outcomes, did=True),
                          caption=f"You said, we did: {fy_label(year)} activities that led to a recorded change"
                                  f"{note} ({_rows(done)})"))
    open_ = not_yet_acted_on(log, outcomes, years)
    if open_.empty:
        html.append(f"<p>Every activity in {esc(fy_label(years[0]))} and {esc(fy_label(year))} has a recorded "
                    "change.</p>")
    else:
        html.append(table(_shown(open_, outcomes, did=False),
                          caption=f"What we have not yet acted on: {fy_label(years[0])} and {fy_label(year)} "
                                  f"activities with no recorded change{note} ({_rows(open_)})"))
    return "".join(html)


def participation_section(paper, outcome=None):
    """The log's evidence for the paper's area and period (IPython HTML, no heading of its own).

    outcome: None for outcomes 11-13 together, or one outcome (or several) to show only those."""
    return _html(section_html(paper.provenance, paper.area.code, paper.period, outcome, paper.catalogue,
                              paper.area.name))
