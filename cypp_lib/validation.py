"""Validate raw files with Great Expectations 1.x, one suite per source format.

Suites are plain JSON in expectations/ (<adapter>.json). Each expectation carries a `meta.explain`
phrase, used to write a plain-English report: file, CSV line(s), column, what was expected, what
was found. Columns named "<col> (number)" in a suite are the file's column parsed as numbers.

Great Expectations is imported only here, and only when validation runs (it costs ~4 s).
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from cypp_lib.catalogue import Catalogue
from cypp_lib.errors import RawDataError
from cypp_lib.paths import EXPECTATIONS
from cypp_lib.sources import read_raw_csv

NUMBER_SUFFIX = " (number)"


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
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"success": self.success, "checked": self.checked, "findings": [asdict(f) for f in self.findings]}


def load_suite(name: str, folder: Path = EXPECTATIONS) -> dict:
    path = Path(folder) / f"{name}.json"
    if not path.is_file():
        raise RawDataError(f"{path}: no expectation suite for source '{name}'")
    return json.loads(path.read_text(encoding="utf-8"))


def _frame_for(df: pd.DataFrame, suite: dict) -> pd.DataFrame:
    out = df.copy()
    for col in suite.get("meta", {}).get("numeric_columns", []):
        if col in out:
            out[col + NUMBER_SUFFIX] = pd.to_numeric(out[col], errors="coerce")
    return out


def validate_frames(frames: dict[str, tuple[pd.DataFrame, str]], suites_dir: Path = EXPECTATIONS) -> Report:
    """frames: {file label: (raw text frame, suite name)} -> Report."""
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    except Exception:  # older/newer GX: progress bars are cosmetic
        pass
    source = context.data_sources.add_pandas("raw")
    report = Report()
    for n, (label, (df, suite_name)) in enumerate(sorted(frames.items())):
        spec = load_suite(suite_name, suites_dir)
        present = [e for e in spec["expectations"] if _columns_present(e, df)]
        missing_cols = [e for e in spec["expectations"] if not _columns_present(e, df)]
        suite = context.suites.add(ExpectationSuite(
            name=f"{suite_name}-{n}",
            expectations=[{"type": e["type"], "kwargs": e["kwargs"], "meta": e.get("meta", {})} for e in present]))
        asset = source.add_dataframe_asset(f"file-{n}")
        batch = asset.add_batch_definition_whole_dataframe("whole")
        vd = gx.ValidationDefinition(data=batch, suite=suite, name=f"vd-{n}")
        result = vd.run(batch_parameters={"dataframe": _frame_for(df, spec)}, result_format="COMPLETE")
        failed = 0
        for r in result.results:
            if r.success:
                continue
            failed += 1
            report.findings.append(_finding(label, r, df))
        for e in missing_cols:  # a check on a column the file lacks: the schema check names it
            failed += 1
            cols = [c.removesuffix(NUMBER_SUFFIX) for c in _columns_of(e) if c.removesuffix(NUMBER_SUFFIX) not in df]
            report.findings.append(Finding(label, ", ".join(cols), f"column(s) {', '.join(cols)} present",
                                           "no such column", check=e["type"]))
        report.checked.append({"file": label, "suite": suite_name, "rows": len(df),
                               "expectations": len(spec["expectations"]), "failed": failed})
    return report


def _columns_of(e: dict) -> list[str]:
    kw = e["kwargs"]
    return [c for c in (kw.get("column"), kw.get("column_A"), kw.get("column_B")) if c] + list(kw.get("column_list", []))


def _columns_present(e: dict, df: pd.DataFrame) -> bool:
    return all(c.removesuffix(NUMBER_SUFFIX) in df.columns for c in _columns_of(e))


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
    if cfg.type == "expect_table_columns_to_match_set":
        observed = res.get("observed_value") or list(df.columns)
        wanted = set(kw.get("column_set", []))
        found = f"columns {', '.join(repr(c) for c in observed)} (missing: {', '.join(sorted(wanted - set(observed))) or 'none'})"
    elif cfg.type == "expect_table_row_count_to_be_between":
        found = f"{res.get('observed_value')} rows"
    elif sample:
        shown = ", ".join(repr(s) if not isinstance(s, (list, tuple, dict)) else str(s) for s in sample[:5])
        found = f"{count:,} unexpected value(s), e.g. {shown}"
    else:
        found = f"{count:,} row(s) that do not"
    return Finding(label, column, explain, found, rows[:50], count, cfg.type)


def validate_raw(raw_dir: Path, catalogue: Catalogue, suites_dir: Path = EXPECTATIONS):
    """Read and validate every raw file the catalogue needs. Returns (report, frames by file)."""
    raw_dir = Path(raw_dir)
    frames, to_check = {}, {}
    for rel, indicators in catalogue.files().items():
        path = raw_dir / rel
        if not path.is_file():
            continue
        df = read_raw_csv(path, rel)
        frames[rel] = df
        to_check[rel] = (df, indicators[0].source.adapter)
    if not to_check:
        raise RawDataError(f"{raw_dir}: none of the raw files the catalogue needs is present "
                           f"(expected e.g. {next(iter(catalogue.files()))})")
    return validate_frames(to_check, suites_dir), frames


def report_html(report: Report, title: str = "Data validation report") -> str:
    """A small, accessible, self-contained HTML page of the validation results."""
    rows = "".join(
        f"<tr><td>{html.escape(c['file'])}</td><td>{html.escape(c['suite'])}</td><td>{c['rows']:,}</td>"
        f"<td>{c['expectations']}</td><td>{_result(c)}</td></tr>"
        for c in report.checked)
    items = "".join(f"<li>{html.escape(f.message())}</li>" for f in report.findings) or "<li>No problems found.</li>"
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#0b0c0c;line-height:1.5}}
table{{border-collapse:collapse}}th,td{{border:1px solid #505a5f;padding:.3rem .6rem;text-align:left}}a{{color:#1d70b8}}</style></head>
<body><a href="#main" class="skip">Skip to content</a><header><p><a href="index.html">All papers</a></p></header>
<main id="main"><h1>{html.escape(title)}</h1>
<p>Every raw file is checked with Great Expectations before it is used. Overall result:
<strong>{'passed' if report.success else 'failed'}</strong>.</p>
<h2>Files checked</h2><table><thead><tr><th scope="col">File</th><th scope="col">Suite</th><th scope="col">Rows</th>
<th scope="col">Checks</th><th scope="col">Result</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Problems</h2><ul>{items}</ul></main></body></html>
"""


def _result(checked: dict) -> str:
    return "Passed" if not checked["failed"] else f"Failed ({checked['failed']} checks)"
