"""Local extracts: aggregate counts and the participation log that analysts bring from the council's
and providers' case-management systems (templates and column meanings: docs/local-extracts.md).

Two shapes, told apart by their columns:

- Monthly or quarterly counts (local/camhs_waiting_times.csv, local/early_help.csv): one row per
  area, period, measure and group, with a numerator and (for proportions) a denominator. Never
  one row per child. Periods are whole calendar months, given by their first and last day. The
  `group` column names a breakdown group (e.g. "Looked after"); blank means all children,
  and an indicator reads the rows of the group its catalogue `filter` names (blank without one).
- The participation and co-production log (local/participation_log.csv): one row per activity,
  with the group who took part (never names), how many, which plan outcome it serves and what
  changed as a result ("you said, we did").

Both are turned into one value per area and year of the indicator's year type (financial years
for the plan's indicators): numerators and denominators are summed over the months of the year
(a percentage is the sum of numerators over the sum of denominators, never a mean of monthly
percentages). Only complete years become values. A year with fewer than 12 months in the file
gives a row with status "x" (not available) whose period label says which months are present,
e.g. "2025-26 (incomplete: 7 of 12 months, Apr-Oct 2025)"; nothing is summed for it. A log year is
complete once the log holds an activity dated after the year's end.

The annual values keep their real counts, small ones included: disclosure control (the
catalogue's rules, e.g. small_counts) is applied to what is published, by cypp_lib.disclosure,
so that an internal working paper (`cypp build --no-suppression`) can still show them.

Anything malformed is refused with a RawDataError naming the file, the CSV line (the header is
line 1), the column, what was expected and what was found; every problem in the file is listed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

from cypp_lib.errors import RawDataError
from cypp_lib.sources.common import period_label, tidy_frame

#: The columns of the counts templates (docs/templates/camhs_waiting_times.csv, early_help.csv).
COUNT_COLUMNS = ["area_code", "area_name", "period_start", "period_end", "measure", "group", "numerator",
                 "denominator", "notes"]
#: The columns of the participation log template (docs/templates/participation_log.csv).
LOG_COLUMNS = ["area_code", "activity_date", "activity", "service", "participants_group",
               "participant_type", "participants", "outcome", "you_said", "we_did", "notes"]
#: Measures of the counts files: "count" (numerator only, denominator blank) or "proportion".
MEASURES = {
    "referrals_received": "count",  # camhs_waiting_times.csv
    "seen_within_18_weeks": "proportion",  # camhs_waiting_times.csv
    "assessments_started": "count",  # early_help.csv
    "closed_needs_met": "proportion",  # early_help.csv
}
#: Measures computed from the log: activities (a count) and activities with a recorded change.
LOG_MEASURES = {"activities": "count", "activities_with_change": "proportion"}
PARTICIPANT_TYPES = ("children", "young people", "parents and carers", "mixed")
OUTCOMES = ("11", "12", "13")
#: The first month of each year type's year.
YEAR_START = {"financial": 4, "academic": 9, "calendar": 1}

_LA_CODE = re.compile(r"E(0[6-9]|10)\d{6}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE = re.compile(r"\d+")
#: What people write in "we_did" when nothing has changed yet: refused, as it would count as a change.
_PLACEHOLDER = re.compile(r"(?i)\s*(n/?a|none|nil|no|-+|tbc|tbd|not yet|pending|ongoing)\.?\s*")


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    if "measure" in df.columns:
        return _counts(df, indicators, registry, label)
    if "activity_date" in df.columns:
        return _log(df, indicators, registry, label)
    raise RawDataError(
        f"{label}: not a local extract: expected the columns of a counts template "
        f"({', '.join(COUNT_COLUMNS)}) or of the participation log ({', '.join(LOG_COLUMNS)}); "
        f"found {', '.join(repr(c) for c in df.columns)} (templates: docs/templates/)")


# ---------------------------------------------------------------------------------- checking


class _Problems:
    """Collects every problem in a file, then raises one RawDataError listing them."""

    def __init__(self, label: str):
        self.label, self.items = label, []

    def add(self, index, column: str, expected: str, found) -> None:
        line = f"line {int(index) + 2}" if isinstance(index, (int, np.integer)) else index
        self.items.append(f"{line}, column '{column}': expected {expected}; found {found!r}")

    def raise_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:20]
        more = f"; and {len(self.items) - 20} more" if len(self.items) > 20 else ""
        head = f"{self.label}: " if len(self.items) == 1 else f"{self.label}: {len(self.items)} problems: "
        raise RawDataError(head + "; ".join(shown) + more)


def _require(df: pd.DataFrame, columns: list[str], label: str, template: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RawDataError(
            f"{label}, line 1 (header), column(s) {', '.join(repr(c) for c in missing)}: expected the columns "
            f"of docs/templates/{template} ({', '.join(columns)}); found {', '.join(repr(c) for c in df.columns)}")
    extra = [c for c in df.columns if c not in columns]
    if extra:  # never more than the template: a local extract must not carry child-level fields
        raise RawDataError(
            f"{label}, line 1 (header), column(s) {', '.join(repr(c) for c in extra)}: expected only the columns "
            f"of docs/templates/{template} ({', '.join(columns)}); found extra column(s): remove them")


def _text(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as stripped text (read_raw_csv already gives text; blanks stay blank)."""
    return df.fillna("").astype(str).apply(lambda c: c.str.strip())


def _date(text: str) -> date | None:
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _date_expected(text: str) -> str:
    hint = " (Excel may have reformatted it: format the column as text)" if "/" in text else ""
    return f"a date written YYYY-MM-DD, e.g. 2024-04-01{hint}"


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _year_of(d: date, year_type: str) -> int:
    """The year (the year it ends in) of the indicator's year type that holds date d."""
    return d.year + 1 if YEAR_START[year_type] > 1 and d.month >= YEAR_START[year_type] else d.year


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _area(registry, code: str, name: str):
    try:
        a = registry.resolve(code)
        return a.code, a.name, a.level, a.la_number
    except KeyError:
        return code, name or code, "Local authority", np.nan


def _check_area(df: pd.DataFrame, problems: _Problems) -> None:
    for i, code in df["area_code"].items():
        if not _LA_CODE.fullmatch(code.strip()):
            problems.add(i, "area_code", "the ONS code of a local authority, e.g. E09000023 (Lewisham)", code)


def _year_types(indicators) -> set[str]:
    out = {i.year_type for i in indicators}
    bad = out - set(YEAR_START)
    if bad:
        raise RawDataError(f"local extracts give values for financial, academic or calendar years; "
                           f"the catalogue asks for {', '.join(sorted(bad))}")
    return out


# ---------------------------------------------------------------------------------- counts files


def _counts(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    _require(df, COUNT_COLUMNS, label, "camhs_waiting_times.csv or early_help.csv")
    df = _text(df)
    problems = _Problems(label)
    _check_area(df, problems)
    starts, ends, months = {}, {}, {}
    for i, row in zip(df.index, df.to_dict("records")):  # plain dicts: no pandas Series made per row
        start, end = _date(row["period_start"]), _date(row["period_end"])
        if start is None:
            problems.add(i, "period_start", _date_expected(row["period_start"]), row["period_start"])
        elif start.day != 1:
            problems.add(i, "period_start", "the first day of a month (periods are whole months)", row["period_start"])
        if end is None:
            problems.add(i, "period_end", _date_expected(row["period_end"]), row["period_end"])
        elif end != _month_end(end):
            problems.add(i, "period_end", f"the last day of a month ({_month_end(end).isoformat()})", row["period_end"])
        if start and end and start.day == 1 and end == _month_end(end):
            if end < start:
                problems.add(i, "period_end", f"a date on or after period_start ({start.isoformat()})", row["period_end"])
            else:
                starts[i], ends[i], months[i] = start, end, _months(start, end)
        kind = MEASURES.get(row["measure"])
        if kind is None:
            problems.add(i, "measure", f"one of {', '.join(MEASURES)}", row["measure"])
        num, den = row["numerator"], row["denominator"]
        if not _WHOLE.fullmatch(num):
            problems.add(i, "numerator", "a whole number of 0 or more (counts, never suppressed: cypp suppresses "
                                         "small numbers itself)", num)
        if kind == "count" and den != "":
            problems.add(i, "denominator", f"blank, as {row['measure']} is a count", den)
        elif kind == "proportion":
            if not _WHOLE.fullmatch(den):
                problems.add(i, "denominator", "a whole number of 0 or more", den)
            elif _WHOLE.fullmatch(num) and int(num) > int(den):
                problems.add(i, "numerator", f"no more than the denominator ({den})", num)
    _check_overlaps(df, months, problems)
    problems.raise_any()

    frames = []
    for ind in indicators:
        rows = df[df["measure"] == ind.source.measure]
        for col, want in {"group": "", **ind.source.filter}.items():
            rows = rows[rows[col] == str(want)]
        counts = []
        for i, row in zip(rows.index, rows.to_dict("records")):
            y0, y1 = _year_of(starts[i], ind.year_type), _year_of(ends[i], ind.year_type)
            if y0 != y1:
                problems.add(i, "period_end", f"a period inside one {ind.year_type} year (split it at "
                                              f"{_year_start(y0, ind.year_type):%d %B})", row["period_end"])
                continue
            counts.append((row["area_code"], row["area_name"], y0, months[i], int(row["numerator"]),
                           int(row["denominator"]) if row["denominator"] else np.nan))
        problems.raise_any()
        frames.append(_annual(ind, counts, registry, label, _complete_by_months))
    return pd.concat(frames, ignore_index=True) if frames else tidy_frame()


def _year_start(year: int, year_type: str) -> date:
    m = YEAR_START[year_type]
    return date(year - 1 if m > 1 else year, m, 1)


def _check_overlaps(df: pd.DataFrame, months: dict, problems: _Problems) -> None:
    seen: dict[tuple, int] = {}
    for i, ms in months.items():
        for y, m in ms:
            key = (df.at[i, "area_code"], df.at[i, "measure"], df.at[i, "group"], y, m)
            if key in seen:
                problems.add(i, "period_start", f"periods of one measure and group that do not overlap ({date(y, m, 1):%B %Y} "
                                                f"is also in line {seen[key] + 2})", df.at[i, "period_start"])
                break
            seen[key] = i


def _complete_by_months(year: int, year_type: str, months: set) -> tuple[bool, str]:
    first = _year_start(year, year_type)
    wanted = _months(first, _year_start(year + 1, year_type) - timedelta(days=1))
    have = [m for m in wanted if m in months]
    if len(have) == 12:
        return True, ""
    gaps = [m for m in wanted if m not in months and have and m < have[-1]]
    text = f"incomplete: {len(have)} of 12 months, {_ranges(have)}"
    return False, text + (f"; missing {_ranges(gaps)}" if gaps else "")


def _ranges(months: list[tuple[int, int]]) -> str:
    """[(2024, 4), (2024, 5), (2024, 7)] -> 'Apr-May 2024, Jul 2024'."""
    runs, out = [], []
    for ym in months:
        if runs and (runs[-1][-1][0] * 12 + runs[-1][-1][1] + 1) == ym[0] * 12 + ym[1]:
            runs[-1].append(ym)
        else:
            runs.append([ym])
    for run in runs:
        a, b = date(*run[0], 1), date(*run[-1], 1)
        out.append(f"{a:%b %Y}" if a == b else f"{a:%b}-{b:%b %Y}" if a.year == b.year else f"{a:%b %Y}-{b:%b %Y}")
    return ", ".join(out)


# ---------------------------------------------------------------------------------- annual values


def _annual(ind, counts: list[tuple], registry, label: str, completeness) -> pd.DataFrame:
    """counts: (area_code, area_name, year, months or dates, numerator, denominator) per row -> one
    tidy row per area and year."""
    kind = _kind(ind)
    if not counts:
        return tidy_frame()
    frame = pd.DataFrame(counts, columns=["code", "name", "year", "months", "num", "den"])
    out = []
    for (code, year), grp in frame.groupby(["code", "year"], sort=True):
        area = _area(registry, code, grp["name"].iloc[0])
        months = {m for ms in grp["months"] for m in ms}
        complete, note = completeness(int(year), ind.year_type, months)
        label_ = period_label(int(year), ind.year_type)
        row = dict(zip(("area_code", "area_name", "area_level", "la_number"), area), year=int(year),
                   period=label_, numerator=np.nan, denominator=np.nan, value=np.nan, status="x")
        if not complete:
            row["period"] = f"{label_} ({note})"
        else:
            num = float(grp["num"].sum())
            den = float(grp["den"].sum()) if kind == "proportion" else np.nan
            row.update(numerator=num, denominator=den, status="ok")
            if kind == "count":
                row["value"] = num
            elif den > 0:
                row["value"] = num / den * ind.multiplier
            else:
                row.update(status="x", numerator=np.nan, denominator=np.nan)  # nothing to divide by
        out.append(row)
    t = pd.DataFrame(out)
    return tidy_frame(indicator=ind.id, area_code=t["area_code"], area_name=t["area_name"],
                      area_level=t["area_level"], la_number=t["la_number"].astype(float), year=t["year"],
                      period=t["period"], numerator=t["numerator"], denominator=t["denominator"],
                      value=t["value"], status=t["status"], source=label)


def _kind(ind) -> str:
    if ind.value_type not in ("proportion", "count"):
        raise RawDataError(f"catalogue indicator {ind.id!r}: local extracts give proportions and counts; "
                           f"found value_type {ind.value_type!r}")
    return ind.value_type


# ---------------------------------------------------------------------------------- participation log


def _log(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    _require(df, LOG_COLUMNS, label, "participation_log.csv")
    df = _text(df)
    problems = _Problems(label)
    _check_area(df, problems)
    dates = {}
    for i, row in df.iterrows():
        d = _date(row["activity_date"])
        if d is None:
            problems.add(i, "activity_date", _date_expected(row["activity_date"]), row["activity_date"])
        else:
            dates[i] = d
        for col in ("activity", "service", "participants_group"):
            if not row[col]:
                problems.add(i, col, "a short description (no names)", row[col])
        if _PLACEHOLDER.fullmatch(row["we_did"]):
            problems.add(i, "we_did", "blank when nothing has changed yet (a placeholder would be counted "
                                      "as a change)", row["we_did"])
        if row["participant_type"] not in PARTICIPANT_TYPES:
            problems.add(i, "participant_type", f"one of {', '.join(PARTICIPANT_TYPES)}", row["participant_type"])
        if not (_WHOLE.fullmatch(row["participants"]) and int(row["participants"]) >= 1):
            problems.add(i, "participants", "a whole number of people, 1 or more", row["participants"])
        if row["outcome"] not in OUTCOMES:
            problems.add(i, "outcome", "the plan outcome the activity serves: 11, 12 or 13", row["outcome"])
    problems.raise_any()

    frames = []
    for ind in indicators:
        measure = ind.source.measure
        if measure not in LOG_MEASURES:
            raise RawDataError(f"catalogue indicator {ind.id!r}: the participation log gives measures "
                               f"{', '.join(LOG_MEASURES)}; found {measure!r}")
        rows = df
        for col, want in ind.source.filter.items():
            rows = rows[rows[col] == str(want)]
        latest = {code: max(dates[i] for i in grp.index) for code, grp in df.groupby("area_code")}
        counts = [(row["area_code"], "", _year_of(dates[i], ind.year_type), [latest[row["area_code"]]],
                   int(bool(row["we_did"])) if measure == "activities_with_change" else 1,
                   1 if measure == "activities_with_change" else np.nan)
                  for i, row in rows.iterrows()]
        frames.append(_annual(ind, counts, registry, label, _complete_by_log))
    return pd.concat(frames, ignore_index=True) if frames else tidy_frame()


def _complete_by_log(year: int, year_type: str, latest: set) -> tuple[bool, str]:
    """A log year is complete once the log holds an activity dated after the year's end."""
    last = max(latest)
    end = _year_start(year + 1, year_type) - timedelta(days=1)
    if last > end:
        return True, ""
    return False, f"incomplete: log to {last:%d %b %Y}, year ends {end:%d %b %Y}"


# ---------------------------------------------------------------------------------- validation hooks


def area_codes(df: pd.DataFrame, registry) -> pd.Series:
    """The ONS code of each row's area (validation checks the paper's LA is present and codes exist)."""
    return df["area_code"].fillna("").astype(str).str.strip() if "area_code" in df else pd.Series("", index=df.index)


def period_years(df: pd.DataFrame) -> pd.Series:
    """The calendar year of each row's date (period_start, or activity_date in the log); missing
    when it is not a valid YYYY-MM-DD date."""
    col = "period_start" if "period_start" in df else "activity_date" if "activity_date" in df else None
    if col is None:
        return pd.Series(np.nan, index=df.index, dtype=float)
    return df[col].fillna("").astype(str).map(lambda t: float(d.year) if (d := _date(t)) else np.nan)
