"""A corpus of realistic broken deliveries. Each one, fed to `cypp build`, must give a non-zero
exit, a message naming the file and the column concerned, no traceback, and must leave the
raw files, the last good processed data and the last good papers exactly as they were.

The corpus is built by damaging one file of a fresh copy of the demo data in the way real
deliveries go wrong. Every case runs the real CLI entry point in this process (one Great
Expectations import for the whole corpus); one case also runs it as a separate process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cypp_lib import cli

pytestmark = pytest.mark.slow

CLA = "dfe_childrens_social_care/cla_number_and_rate_per_10k_children.csv"
LAIT = "lait/lait_kpi_subset_long.csv"
NEET = "nccis_neet/neet_la_2025.csv"
FT = "ohid_fingertips_injuries/ohid_fingertips_injuries_0_14_2013_2024.csv"
SEN2 = "dfe_sen2_ehcp_stock/SEN2_AGE_STOCK.csv"
SEN2_META = "dfe_sen2_ehcp_stock/SEN2_AGE_STOCK.meta.csv"
EY = "dfe_early_years_2019/combined_long_data_2019.csv"


# ---------------------------------------------------------------- editing helpers
def read_rows(path: Path) -> tuple[list[str], list[dict], bool]:
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return list(reader.fieldnames), list(reader), bom


def write_rows(path: Path, header: list[str], rows: list[dict], bom: bool = False) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))


def edit(rel: str, change):
    """A corruption that edits rows: change(header, rows) -> (header, rows)."""
    def apply(raw: Path):
        header, rows, bom = read_rows(raw / rel)
        header, rows = change(header, rows)
        write_rows(raw / rel, header, rows, bom)
    return apply


def first(rows, **match):
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def set_value(rel, column, value, **match):
    def change(header, rows):
        first(rows, **match)[column] = value
        return header, rows
    return edit(rel, change)


def drop_column(rel, column):
    return edit(rel, lambda h, rows: ([c for c in h if c != column], rows))


def rename_column(rel, old, new):
    def change(header, rows):
        for r in rows:
            r[new] = r.pop(old)
        return [new if c == old else c for c in header], rows
    return edit(rel, change)


def drop_rows(rel, **match):
    return edit(rel, lambda h, rows: (h, [r for r in rows if not all(r[k] == v for k, v in match.items())]))


def duplicate_row(rel, index=5):
    return edit(rel, lambda h, rows: (h, rows[:index + 1] + [dict(rows[index])] + rows[index + 1:]))


def over_denominator(header, rows):
    r = first(rows, geographic_level="Local authority", la_name="Lewisham")
    r["children_count"] = str(int(r["population_estimate"]) + 10)
    return header, rows


def text(rel, transform):
    """A corruption of the file's bytes: transform(bytes) -> bytes."""
    def apply(raw: Path):
        p = raw / rel
        p.write_bytes(transform(p.read_bytes()))
    return apply


def truncate(data: bytes) -> bytes:
    cut = data.rfind(b",", 0, len(data) - 200)
    return data[:cut - 3]


def excel(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # what an .xlsx is: a zip of XML parts
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def windows_1252(data: bytes) -> bytes:
    return data.decode("utf-8-sig").replace("Lewisham", "Lewisham \u2013 Catford", 1).encode("cp1252")


def semicolons(data: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def thousands(header, rows):
    for r in rows:
        if r["geographic_level"] == "Local authority" and r["population_estimate"].isdigit():
            r["population_estimate"] = f"{int(r['population_estimate']):,}"
    return header, rows


def unclosed_quote(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[40] = lines[40].replace(b",", b',"', 1)
    return b"\n".join(lines)


def meta_says_filter(header, rows):
    first(rows, col_name="Total_EHC")["col_type"] = "Filter"
    return header, rows


# ---------------------------------------------------------------- the corpus
# (id, corruption, file named in the message, column named in the message)
CORPUS = [
    ("missing column", drop_column(CLA, "children_count"), CLA, "children_count"),
    ("renamed column", rename_column(LAIT, "Values", "Value"), LAIT, "Values"),
    ("wrong type", set_value(CLA, "population_estimate", "sixty thousand", la_name="Lewisham"), CLA,
     "population_estimate"),
    ("negative count", set_value(CLA, "children_count", "-12", la_name="Lewisham"), CLA, "children_count"),
    ("numerator above denominator", edit(CLA, over_denominator), CLA, "children_count"),
    ("duplicate rows", duplicate_row(LAIT), LAIT, "Short Desc"),
    ("unknown area code", set_value(CLA, "new_la_code", "E09999999", la_name="Lewisham"), CLA, "new_la_code"),
    ("unknown LA number", set_value(LAIT, "LA Number", "999", **{"LA and Regions": "Lewisham"}), LAIT, "LA Number"),
    ("impossible academic year", set_value(CLA, "time_period", "202523", la_name="Lewisham"), CLA, "time_period"),
    ("period in the future", set_value(LAIT, "Years", "2041", **{"LA and Regions": "Lewisham"}), LAIT, "Years"),
    ("backwards year range", set_value(LAIT, "Years", "2024/23", **{"LA and Regions": "Lewisham"}), LAIT, "Years"),
    ("empty file", text(NEET, lambda d: b""), NEET, "time_period"),
    ("header only", text(NEET, lambda d: d.split(b"\n", 1)[0] + b"\n"), NEET, "time_period"),
    ("truncated file", text(LAIT, truncate), LAIT, "Values"),
    ("wrong encoding (Windows-1252)", text(NEET, windows_1252), NEET, "la_name"),
    ("UTF-16 with a BOM", text(NEET, lambda d: d.decode("utf-8").encode("utf-16")), NEET, "time_period"),
    ("two exports pasted together (BOM and header mid-file)", text(CLA, lambda d: d + d[:3000]), CLA, "time_period"),
    ("semicolon delimiter", text(NEET, semicolons), NEET, "time_period"),
    ("Excel file saved as .csv", text(FT, excel), FT, "Area Code"),
    ("thousands separators", edit(CLA, thousands), CLA, "population_estimate"),
    ("new marker symbol", set_value(LAIT, "Values", "[c]", **{"LA and Regions": "Lewisham"}), LAIT, "Values"),
    ("percentage above 100", set_value(NEET, "NEET_percent", "140", la_name="Lewisham"), NEET, "NEET_percent"),
    ("the LA's rows missing", drop_rows(NEET, la_name="Lewisham"), NEET, "new_la_code"),
    ("England's rows missing", drop_rows(FT, **{"Area Code": "E92000001"}), FT, "Area Code"),
    ("value outside its own interval", set_value(FT, "Value", "999.5", **{"Area Name": "Lewisham"}), FT, "Value"),
    ("column listed in .meta.csv missing", drop_column(SEN2, "Total_ST"), SEN2, "Total_ST"),
    (".meta.csv contradicts the catalogue", edit(SEN2_META, meta_says_filter), SEN2, "Total_EHC"),
    ("unclosed quote", text(LAIT, unclosed_quote), LAIT, "LA Number"),
    ("decimal count", set_value(FT, "Count", "12.5", **{"Area Name": "Lewisham"}), FT, "Count"),
    ("blank measure code", set_value(LAIT, "Short Desc", " ", **{"LA and Regions": "Lewisham"}), LAIT, "Short Desc"),
    ("LA code in the wrong column", set_value(EY, "LA_Code", "209", LA_Name="Lewisham"), EY, "LA_Code"),
]


# ---------------------------------------------------------------- fixtures and checks
def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def last_good(demo_build):
    """The last good build: its processed data and papers, with their checksums."""
    return demo_build.processed_dir, demo_build.out_dir, digest(demo_build.processed_dir), digest(demo_build.out_dir)


def run_build(raw: Path, processed: Path, out: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["build", "--raw", str(raw), "--processed", str(processed), "--out", str(out), "--jobs", "1"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_corpus_is_big_enough_and_every_case_damages_something(demo_raw, tmp_path):
    assert len(CORPUS) >= 25
    for name, corrupt, _rel, _ in CORPUS:
        raw = tmp_path / name.replace(" ", "_").replace("/", "_")
        shutil.copytree(demo_raw, raw)
        before = digest(raw)
        corrupt(raw)
        assert digest(raw) != before, name


@pytest.mark.parametrize("name,corrupt,rel,column", CORPUS, ids=[c[0] for c in CORPUS])
def test_broken_input_fails_clearly_and_loses_nothing(name, corrupt, rel, column, demo_raw, last_good, tmp_path,
                                                     capsys):
    processed, out, processed_before, out_before = last_good
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    corrupt(raw)
    raw_before = digest(raw)

    code, output = run_build(raw, processed, out, capsys)

    assert code != 0, f"{name}: the build succeeded"
    assert "Traceback" not in output
    problem = [line for line in output.splitlines() if rel in line and column in line]
    assert problem, f"{name}: no line names both {rel} and {column!r}:\n{output}"
    assert digest(raw) == raw_before, "raw files must only be read"
    assert digest(processed) == processed_before, "the last good processed data must be unchanged"
    assert digest(out) == out_before, "the last good papers must be unchanged"
    assert not (processed / ".staging").exists() and not (out / ".staging").exists()


def test_a_broken_input_in_a_separate_process_exits_1_with_no_traceback(demo_raw, last_good, tmp_path):
    processed, out, processed_before, out_before = last_good
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    set_value(CLA, "children_count", "-12", la_name="Lewisham")(raw)
    result = subprocess.run([sys.executable, "-m", "cypp_lib.cli", "build", "--raw", str(raw), "--processed",
                             str(processed), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert CLA in result.stdout + result.stderr and "children_count" in result.stdout + result.stderr
    assert "unchanged" in result.stderr
    assert digest(processed) == processed_before and digest(out) == out_before
