"""Validate raw files with Great Expectations 1.x: one suite per source format plus checks
derived from the catalogue and the build's parameters (checks.py), all in one GX context.

Suites are plain JSON in expectations/ (<adapter>.json, or <adapter>_<file stem>.json for a format
whose files differ in columns, as the local extracts do; see suite_for). Each expectation carries a `meta.explain`
phrase, used to write a plain-English report: file, CSV line(s), column, what was expected, what
was found. Columns named "<col> (number)" are the file's column parsed as numbers; "area code
(derived)" and "period year (derived)" are worked out by the file's adapter.

Personal identifiers: a column whose header names one (UPN, date of birth, surname...) is refused
in every file before GX runs; the columns a paper publishes are searched for identifiers by GX
(checks.identifier_expectations). The report never shows a value such a check finds, only its
kind, line and column: the report is printed and published (validation.html). Values shown by
other checks are shown with any identifier in them replaced by its kind.

Great Expectations is imported only here, and only when validation runs (it costs ~4 s).
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from cypp_lib import checks, identifiers
from cypp_lib.catalogue import Catalogue
from cypp_lib.errors import RawDataError
from cypp_lib.geography import AreaRegistry
from cypp_lib.paths import EXPECTATIONS
from cypp_lib.rawfiles import RawSet, read_inputs
from cypp_lib.sources import ADAPTER_MODULES, ORDER

NUMBER_SUFFIX = checks.NUMBER


@dataclass
class Finding:
    file: str
    column: str
    expected: str
    found: str
    rows: list[int] = field(default_factory=list)  # CSV line numbers (header is line 1)
    count: int = 0
    check: str = ""

    def message(self) -> str:
        where = f"line {self.rows[0]}" if len(self.rows) == 1 else (
            f"lines {', '.join(map(str, self.rows[:5]))}{' ...' if self.count > 5 else ''}" if self.rows else "whole file")
        col = f"column '{self.column}'" if self.column else "columns"
        return f"{self.file}, {where}, {col}: expected {self.expected}; found {self.found}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checked: list[dict] = field(default_factory=list)  # file, suite, rows, expectations, failed
    warnings: list[str] = field(default_factory=list)  # rows set aside, suspicious values: never fatal
    missing: list[dict] = field(default_factory=list)  # manifest files not supplied

    @property
    def success(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        lines = [f"Validated {len(self.checked)} file(s) with Great Expectations:"]
        for c in self.checked:
            state = "passed" if not c["failed"] else f"FAILED {c['failed']} of {c['expectations']} checks"
            lines.append(f"  {c['file']} ({c['rows']:,} rows, suite '{c['suite']}'): {state}")
        for f in self.findings:
            lines.append("  - " + f.message())
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}; they do not stop the build and appear in every paper):")
            lines += ["  - " + w for w in self.warnings]
        if self.missing:
            lines.append("Not supplied (their indicators show no data): "
                         + ", ".join(m["file"] for m in self.missing))
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"success": self.success, "checked": self.checked, "warnings": self.warnings,
                "missing": self.missing, "findings": [asdict(f) for f in self.findings]}


def load_suite(name: str, folder: Path = EXPECTATIONS) -> dict:
    path = Path(folder) / f"{name}.json"
    if not path.is_file():
        raise RawDataError(f"{path}: no expectation suite for source '{name}'")
    return json.loads(path.read_text(encoding="utf-8"))


def suite_for(path: str, adapter: str, folder: Path = EXPECTATIONS) -> str:
    """The suite of a manifest file: `<adapter>_<file stem>` when that suite exists (a format whose
    files differ in columns, e.g. the local extracts: local_early_help.json), else `<adapter>`."""
    specific = f"{adapter}_{Path(path).stem}"
    return specific if (Path(folder) / f"{specific}.json").is_file() else adapter


_CONDITION = re.compile(r'^\s*`?([^`=]+?)`?\s*==\s*"([^"]*)"\s*$')


def _without_row_conditions(expectations: list[dict]) -> list[dict]:
    """Suites may limit a check to some rows with a simple pandas row_condition (col=="value"),
    which GX 1.9+ deprecates: rewrite each as a check on a derived column holding the values of
    just those rows (the others blank, which column checks skip)."""
    out = []
    for e in expectations:
        kw = dict(e["kwargs"])
        cond = kw.pop("row_condition", None)
        kw.pop("condition_parser", None)
        if cond is None:
            out.append(e)
            continue
        m = _CONDITION.match(cond)
        roles = [r for r in ("column", "column_A", "column_B") if r in kw]
        if not m or not roles:
            raise RawDataError(f"suite expectation {e['type']}: row_condition {cond!r} is not of the form "
                               'column=="value" on a column check')
        where, value = m.groups()
        derives = []
        for role in roles:
            base = kw[role]
            numeric = base.endswith(NUMBER_SUFFIX)
            kw[role] = f"{base.removesuffix(NUMBER_SUFFIX)} where {where} is {value}" + (NUMBER_SUFFIX if numeric else "")
            derives.append({"column": kw[role], "from": base.removesuffix(NUMBER_SUFFIX), "where": where,
                            "in": [value], "numeric": numeric, "condition": True})
        out.append({**e, "kwargs": kw, "meta": {**e.get("meta", {}), "derive": derives}})
    return out


def _frame_for(raw, expectations: list[dict], registry: AreaRegistry) -> pd.DataFrame:
    """The raw text frame plus the parsed and derived columns the expectations refer to."""
    df = raw.frame
    out = df.copy()
    wanted = {c for e in expectations for c in _columns_of(e)}
    for col in wanted:
        base = col.removesuffix(NUMBER_SUFFIX)
        if col.endswith(NUMBER_SUFFIX) and base in df:
            out[col] = pd.to_numeric(df[base].str.strip(), errors="coerce")
    for e in expectations:  # a column restricted to some rows (LAIT's measures, suites' row conditions)
        for d in e.get("meta", {}).get("derive", []):
            if d["from"] in df and d["where"] in df:
                values = (pd.to_numeric(df[d["from"]].str.strip(), errors="coerce") if d.get("numeric", True)
                          else df[d["from"]])
                out[d["column"]] = values.where(df[d["where"]].isin(d["in"]))
    module = ADAPTER_MODULES.get(raw.entry.adapter)
    try:  # a file without the columns these come from gets a schema finding instead
        if checks.AREA in wanted:
            out[checks.AREA] = module.area_codes(df, registry)
        if checks.YEAR in wanted:
            out[checks.YEAR] = module.period_years(df).astype("Float64")
    except KeyError:
        pass
    return out


def validate_frames(frames: dict[str, tuple[pd.DataFrame, str]], suites_dir: Path = EXPECTATIONS) -> Report:
    """frames: {file label: (raw text frame, suite name)} -> Report (static suites only)."""
    from cypp_lib.catalogue.manifest import RawFile
    from cypp_lib.rawfiles import RawInput

    report = Report()
    runs = [_planned(RawInput(label, RawFile(label, suite, label, ""), df), suite,
                     load_suite(suite, suites_dir)["expectations"], report) for label, (df, suite) in frames.items()]
    return _run(runs, AreaRegistry(), report)


IDENTIFIER_COLUMN = ("no column that identifies a person (such as UPN, NHS number, date of birth, postcode, "
                     "forename or surname): cypp takes aggregate data only; remove the column")


def _planned(raw, suite_name: str, expectations: list[dict], report: Report) -> tuple:
    """One run of a plan, with its entry in report.checked as it is when every expectation passes.
    The check of the file's headers for identifier columns is made here (one more check), before GX."""
    named = checks.identifier_columns(raw.frame.columns)
    for col in named:
        report.findings.append(Finding(raw.rel, str(col), IDENTIFIER_COLUMN, f"a column headed {str(col)!r}",
                                       [1], 1, check="identifier column"))
    entry = {"file": raw.rel, "suite": suite_name, "rows": len(raw.frame), "expectations": len(expectations) + 1,
             "failed": int(bool(named))}
    report.checked.append(entry)
    return raw, suite_name, expectations, entry


@dataclass
class Plan:
    """Everything validation will check, worked out before Great Expectations runs: the files
    read, the expectations per file and the report as it will be if every expectation passes
    (`checked`, warnings, files not supplied; findings already made, such as unreadable files).
    The build prepares the data and starts the papers from a plan while GX runs (`run_plan`)."""

    report: Report
    raw_set: RawSet
    runs: list = field(default_factory=list)  # (raw input, suite name, expectations, its `checked` entry)
    registry: AreaRegistry = field(default_factory=AreaRegistry)

    @property
    def checked_if_passed(self) -> list[dict]:
        """The report's `checked` list as it will be when validation passes."""
        return [dict(c) for c in self.report.checked]


def plan_raw(raw_dir: Path, catalogue: Catalogue, area: str | None = "Lewisham",
             suites_dir: Path = EXPECTATIONS) -> Plan:
    """Read every raw file the catalogue needs and derive its expectations (no GX import)."""
    raw_set = read_inputs(raw_dir, catalogue)
    report = Report(warnings=list(raw_set.warnings), missing=raw_set.missing)
    for rel, exc in raw_set.unreadable.items():
        report.findings.append(_unreadable(rel, exc, suites_dir))
        report.checked.append({"file": rel, "suite": "(unreadable)", "rows": 0, "expectations": 1, "failed": 1})
    if not raw_set.inputs and not raw_set.unreadable:
        raise RawDataError(f"{raw_dir}: none of the raw files the catalogue needs is present "
                           f"(expected e.g. {next(iter(catalogue.files()))})")
    registry = learn_areas(raw_set)
    la = _resolve(registry, area)
    known = _known_codes(registry, Path(raw_dir))
    current, earlier = catalogue.files(), catalogue.vintage_files()
    plan = Plan(report, raw_set, registry=registry)
    for rel, raw in sorted(raw_set.inputs.items()):
        indicators = current.get(raw.entry.path, []) + earlier.get(raw.entry.path, [])
        suite_name = suite_for(raw.entry.path, raw.entry.adapter, suites_dir)
        suite = load_suite(suite_name, suites_dir)
        module = ADAPTER_MODULES.get(raw.entry.adapter)
        extra = checks.for_file(raw, indicators, suite, la, known, hasattr(module, "area_codes"),
                                hasattr(module, "period_years"))
        for col, expected, found in checks.catalogue_mismatches(raw, indicators):
            report.findings.append(Finding(rel, col, expected, found, check="meta"))
        plan.runs.append(_planned(raw, suite_name, suite["expectations"] + extra, report))
    return plan


def run_plan(plan: Plan) -> Report:
    """Run a plan's expectations in one Great Expectations context; returns its report."""
    return _run(plan.runs, plan.registry, plan.report)


def validate_raw(raw_dir: Path, catalogue: Catalogue, area: str | None = "Lewisham",
                 suites_dir: Path = EXPECTATIONS) -> tuple[Report, RawSet]:
    """Read and validate every raw file the catalogue needs, in one Great Expectations context.
    Returns (report, raw set); the raw set's frames are what preparation then uses."""
    plan = plan_raw(raw_dir, catalogue, area, suites_dir)
    return run_plan(plan), plan.raw_set


def learn_areas(raw_set: RawSet) -> AreaRegistry:
    """An area registry that knows every LA named with both codes in the EES-format files."""
    registry = AreaRegistry()
    for raw in sorted(raw_set.inputs.values(), key=lambda r: ORDER.get(r.entry.adapter, 99)):
        df = raw.frame
        if {"old_la_code", "new_la_code", "la_name"} <= set(df.columns):
            for num, code, name in df[["old_la_code", "new_la_code", "la_name"]].drop_duplicates().itertuples(index=False):
                registry.learn(num, code, name)
    return registry


def _resolve(registry: AreaRegistry, area: str | None):
    if not area:
        return None
    try:
        return registry.resolve(area)
    except KeyError:
        return None  # an unknown area is reported by the build's parameter check


def _known_codes(registry: AreaRegistry, raw_dir: Path) -> set[str]:
    """ONS codes of every area the registry knows, plus "LA<number>" for DfE numbers listed in
    LAIT's la_code_list.csv (LAs that have since merged keep their number in LAIT)."""
    known = set(registry.by_code)
    listing = raw_dir / "lait" / "la_code_list.csv"
    if listing.is_file():
        numbers = pd.read_csv(listing, dtype=str, usecols=[0]).iloc[:, 0]
        known |= {f"LA{n.strip()}" for n in numbers if n.strip().isdigit()}
    return known


def _unreadable(rel: str, exc: RawDataError, suites_dir: Path) -> Finding:
    """A file that could not be read as CSV, named with the columns it should have had."""
    text = str(exc).removeprefix(f"{rel}: ")
    column = getattr(exc, "column", "")
    if not column:
        from cypp_lib.catalogue.manifest import load_manifest
        entry = next((e for e in load_manifest().values() if Path(rel).match(e.path)), None)
        try:
            cols = load_suite(suite_for(entry.path, entry.adapter, suites_dir), suites_dir)["expectations"][0][
                "kwargs"].get("column_set", []) if entry else []
        except RawDataError:
            cols = []
        column = ", ".join(cols[:6]) + (" ..." if len(cols) > 6 else "")
    return Finding(rel, column, "a UTF-8 CSV file with a header row", text, check="read")


def _run(runs, registry: AreaRegistry, report: Report) -> Report:
    """Run every (raw input, suite name, expectations, checked entry) in one ephemeral GX context.

    Files of one format checked alike (the NEET files: same suite, same checks; see
    `_checked_together`) are first checked together, on one frame of all their rows, for the
    checks whose result on all the rows is each file's own result (`TOGETHER`); when that passes,
    each file is then run with only its other checks. A file's findings always come from a run of its own: if the checks together
    fail, every file of the batch is run with all its checks, as on its own."""
    if not runs:
        return report
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    except Exception:  # older/newer GX: progress bars are cosmetic
        pass
    # one asset and one batch definition for every file: each file's frame is the batch's runtime
    # parameter (adding an asset or a batch definition re-serialises the context's configuration)
    whole = context.data_sources.add_pandas("raw").add_dataframe_asset("file").add_batch_definition_whole_dataframe(
        "whole")
    files = [_file_checks(raw, suite_name, expectations, entry, registry) for raw, suite_name, expectations, entry in runs]
    done_together = _checked_together(files, whole)
    for n, (raw, suite_name, frame, present, absent, entry) in enumerate(files):
        df = raw.frame
        if n in done_together:
            present = [e for e in present if not _together(e)]
        failed = 0
        if present:
            suite = _suite(f"{suite_name}-{n}", present)
            batch = whole.get_batch(batch_parameters={"dataframe": frame})
            # Batch.validate, not a ValidationDefinition: the same validator, without serialising each
            # result into the context's results store (a fifth of the time). Pass/fail first (half the
            # time); a file that fails is run again for the rows and values.
            result = batch.validate(suite, result_format="BOOLEAN_ONLY")
            if not result.success:
                result = batch.validate(suite, result_format="COMPLETE")
            for r in result.results:
                if r.success:
                    continue
                failed += 1
                finding = _finding(raw.rel, r, df)
                named = [d for d in (r.expectation_config.meta or {}).get("derive", []) if d.get("condition")]
                for d in named:  # a suite's row_condition: name the file's own column and say which rows
                    finding.column = finding.column.replace(d["column"].removesuffix(NUMBER_SUFFIX), d["from"])
                if named:
                    finding.expected += f" (on rows where {named[0]['where']} is {named[0]['in'][0]!r})"
                finding.column = _source_column(finding.column, raw.entry.adapter)
                report.findings.append(finding)
        derived = {checks.AREA, checks.YEAR}
        gone = sorted({c.removesuffix(NUMBER_SUFFIX) for e in absent for c in _columns_of(e)
                       if c.removesuffix(NUMBER_SUFFIX) not in frame and c not in derived
                       and not c.startswith("Values of ") and " where " not in c})
        if gone:  # checks on columns the file lacks: one finding names them all
            failed += len(absent)
            report.findings.append(Finding(raw.rel, ", ".join(gone), f"column(s) {', '.join(repr(c) for c in gone)}",
                                           f"no such column; the file has {_listing(df.columns)}", check="schema"))
        entry["failed"] += failed  # after the header check made in _planned
    return report


class FileChecks(NamedTuple):
    """One file's run: the frame GX checks (raw text plus parsed and derived columns), the
    expectations it can run and those on columns it lacks, and its entry in report.checked."""

    raw: object
    suite_name: str
    frame: pd.DataFrame
    present: list[dict]
    absent: list[dict]
    entry: dict


def _file_checks(raw, suite_name: str, expectations: list[dict], entry: dict, registry: AreaRegistry) -> FileChecks:
    expectations = _without_row_conditions(expectations)
    frame = _frame_for(raw, expectations, registry)
    expectations = [_exact_columns(e, [c for c in frame.columns if c not in raw.frame.columns]) for e in expectations]
    present = [e for e in expectations if _columns_present(e, frame)]
    absent = [e for e in expectations if not _columns_present(e, frame)]
    return FileChecks(raw, suite_name, frame, present, absent, entry)


def _suite(name: str, expectations: list[dict]):
    from great_expectations.core.expectation_suite import ExpectationSuite

    return ExpectationSuite(  # not stored: the context is thrown away after this run
        name=name, expectations=[{"type": e["type"], "kwargs": e["kwargs"], "meta": e.get("meta", {})}
                                 for e in expectations])


#: Checks whose result on the rows of several files is each file's own: row by row checks and
#: uniqueness. Not: row counts, values a file must contain, its set of columns.
TOGETHER = frozenset({
    "expect_column_values_to_be_between", "expect_column_values_to_match_regex", "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_null", "expect_column_values_to_not_match_regex",
    "expect_column_values_to_not_match_regex_list", "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_compound_columns_to_be_unique"})


def _together(e: dict) -> bool:
    """Whether a check's result on several files' rows together is each file's (`mostly` would not be)."""
    return e["type"] in TOGETHER and e["kwargs"].get("mostly", 1) == 1


def _checked_together(files: list[FileChecks], whole) -> set[int]:
    """Indexes of the files whose `_together` checks passed in one run over the rows of a batch of
    files checked alike: same suite, same checks, none on an absent column, and the columns those
    checks read holding numbers in every file of the batch or text in every one (a column empty in
    one file is read as numbers: that file is checked on its own)."""
    batches: dict[str, tuple[list[str], list[int]]] = {}  # key -> (the columns the checks read, members)
    for n, f in enumerate(files):
        if f.absent or not any(_together(e) for e in f.present):
            continue
        used = sorted({c for e in f.present if _together(e) for c in _columns_of(e)})
        kinds = [(c, "number" if pd.api.types.is_numeric_dtype(f.frame[c]) else "text") for c in used]
        key = json.dumps([f.suite_name, kinds, f.present], sort_keys=True, default=str)
        batches.setdefault(key, (used, []))[1].append(n)
    passed: set[int] = set()
    for used, members in batches.values():
        if len(members) < 2:
            continue
        first = files[members[0]]
        rows = pd.concat([files[n].frame[used] for n in members], ignore_index=True)
        suite = _suite(f"{first.suite_name}-together-{members[0]}", [e for e in first.present if _together(e)])
        if whole.get_batch(batch_parameters={"dataframe": rows}).validate(suite, result_format="BOOLEAN_ONLY").success:
            passed.update(members)
    return passed


def _exact_columns(e: dict, derived: list[str]) -> dict:
    """An exact column-set check is about the file's own columns: the parsed and derived columns
    added for other checks are allowed (the local extracts refuse any column not in their template)."""
    if e["type"] != "expect_table_columns_to_match_set" or not e["kwargs"].get("exact_match") or not derived:
        return e
    return {**e, "kwargs": {**e["kwargs"], "column_set": list(e["kwargs"]["column_set"]) + derived}}


def _source_column(column: str, adapter: str) -> str:
    """Name the file's own column(s) behind a derived one."""
    module = ADAPTER_MODULES.get(adapter)
    if column == checks.AREA:
        return getattr(module, "AREA_COLUMNS", column)
    if column == checks.YEAR:
        return getattr(module, "YEAR_COLUMNS", column)
    if column.startswith("Values of "):
        return f"Values (rows for {column.removeprefix('Values of ')})"
    if " where " in column:
        base, cond = column.split(" where ", 1)
        return f"{base} (rows where {cond})"
    return column


def _listing(columns) -> str:
    cols = [repr(c) for c in columns]
    return ", ".join(cols[:12]) + (f" and {len(cols) - 12} more" if len(cols) > 12 else "")


def _columns_of(e: dict) -> list[str]:
    kw = e["kwargs"]
    return [c for c in (kw.get("column"), kw.get("column_A"), kw.get("column_B")) if c] + list(kw.get("column_list", []))


def _columns_present(e: dict, df: pd.DataFrame) -> bool:
    return all(c in df.columns or c.removesuffix(NUMBER_SUFFIX) in df.columns for c in _columns_of(e))


def _finding(label: str, r, df: pd.DataFrame) -> Finding:
    cfg = r.expectation_config
    kw = cfg.kwargs
    res = r.result or {}
    explain = (cfg.meta or {}).get("explain") or cfg.type.replace("_", " ")
    column = kw.get("column") or " and ".join(
        c for c in (kw.get("column_A"), kw.get("column_B")) if c) or ", ".join(kw.get("column_list", []))
    column = column.replace(NUMBER_SUFFIX, "")
    idx = res.get("unexpected_index_list") or []
    rows = sorted({int(i) + 2 for i in idx if isinstance(i, (int, float))})
    count = int(res.get("unexpected_count") or len(rows))
    sample = res.get("partial_unexpected_list") or []
    kinds = (cfg.meta or {}).get(checks.IDENTIFIER_META)
    if kinds:
        found = _identifiers_found(df, column, idx, count, kinds)
    elif cfg.type == "expect_table_columns_to_match_set":
        observed = res.get("observed_value") or list(df.columns)
        wanted = set(kw.get("column_set", []))
        found = f"columns {', '.join(repr(c) for c in observed)} (missing: {', '.join(sorted(wanted - set(observed))) or 'none'})"
    elif cfg.type == "expect_table_row_count_to_be_between":
        found = f"{res.get('observed_value')} rows under the header ({_listing(df.columns)})"
    elif cfg.type == "expect_column_distinct_values_to_contain_set":
        have = set(res.get("observed_value") or [])
        found = "no rows for " + ", ".join(sorted(set(kw.get("value_set", [])) - have))
    elif sample:
        shown = ", ".join(repr(s) if not isinstance(s, (list, tuple, dict)) else str(s) for s in sample[:5])
        found = f"{count:,} unexpected value(s), e.g. {identifiers.redact(shown, SHOWN_KINDS)}"
    else:
        found = f"{count:,} row(s) that do not"
    return Finding(label, column, explain, found, rows[:50], count, cfg.type)


#: Identifiers replaced by their kind in the values other checks show (not "full date": a
#: mistyped date in a date column is shown as it is, so that it can be found and mended).
SHOWN_KINDS = tuple(k for k in identifiers.KINDS if k != "full date")


def _identifiers_found(df: pd.DataFrame, column: str, idx: list, count: int, kinds: list[str]) -> str:
    """What an identifier check found, without the values: how many, of which kind, on which lines."""
    by_kind: dict[str, list[int]] = {}
    for i in idx:
        value = df[column].loc[i] if column in df and isinstance(i, (int, float)) else ""
        present = {kind for kind, _, _ in identifiers.find(str(value), kinds)}  # searched once per value
        for k in (k for k in kinds if k in present):
            by_kind.setdefault(k, []).append(int(i) + 2)
    parts = [f"{identifiers.DESCRIPTIONS[k]} (line{'s' if len(v) > 1 else ''} "
             f"{', '.join(map(str, v[:5]))}{' ...' if len(v) > 5 else ''})" for k, v in by_kind.items()]
    what = "; ".join(parts) or "a personal identifier"
    return f"{count:,} value(s) that look like {what} (not shown: personal data)"


def report_html(report: Report, title: str = "Data validation report") -> str:
    """A small, accessible, self-contained HTML page of the validation results."""
    rows = "".join(
        f"<tr><td>{html.escape(c['file'])}</td><td>{html.escape(c['suite'])}</td><td>{c['rows']:,}</td>"
        f"<td>{c['expectations']}</td><td>{_result(c)}</td></tr>"
        for c in report.checked)
    items = "".join(f"<li>{html.escape(f.message())}</li>" for f in report.findings) or "<li>No problems found.</li>"
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings) or "<li>None.</li>"
    missing = "".join(f"<li>{html.escape(m['file'])} (feeds {html.escape(', '.join(m['indicators']))})</li>"
                      for m in report.missing) or "<li>None: every file the catalogue names was supplied.</li>"
    from cypp_lib.site import shell

    body = f"""
<p>Every raw file is checked with Great Expectations before it is used. Overall result:
<strong>{'passed' if report.success else 'failed'}</strong>.</p>
<h2>Files checked</h2><div class="cypp-table-wrap" role="region" aria-label="Files checked" tabindex="0"><table><thead><tr><th scope="col">File</th><th scope="col">Suite</th><th scope="col">Rows</th>
<th scope="col">Checks</th><th scope="col">Result</th></tr></thead><tbody>{rows}</tbody></table></div>
<h2>Problems</h2><ul>{items}</ul>
<h2>Warnings</h2><p>Values set aside or not used as comparators. They do not stop the build; every paper lists them.</p>
<ul>{warnings}</ul>
<h2>Files not supplied</h2><ul>{missing}</ul>"""
    return shell(title, body)


def _result(checked: dict) -> str:
    return "Passed" if not checked["failed"] else f"Failed ({checked['failed']} checks)"
