"""What every adapter shares: reading raw CSV as text, markers, periods, the tidy frame."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from cypp_lib.errors import RawDataError

TIDY_COLUMNS = ["indicator", "area_code", "area_name", "area_level", "la_number", "year", "period",
                "numerator", "denominator", "value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "status",
                "source"]

# Published markers and the GSS symbol each one means.
MARKERS = {"c": "c", "x": "x", "z": "z", "k": "k", "u": "u", "-": "x", ":": "x", "..": "x",
           "low": "k", "": "x", "NA": "x", "NULL": "x"}


def read_raw_csv(path: Path, label: str | None = None) -> pd.DataFrame:
    """Read a raw CSV with every column as text (markers kept), or raise RawDataError naming the
    file, the line and the column, and saying what was expected: an empty or truncated file, an
    Excel workbook saved as .csv, UTF-16 or Windows-1252 text, semicolons for commas."""
    label = label or str(path)
    if not path.is_file():
        raise RawDataError(f"{label}: file not found")
    data = path.read_bytes()
    if not data.strip():
        raise RawDataError(f"{label}: the file is empty; expected a header row and data rows")
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RawDataError(f"{label}: this is an Excel workbook, not a CSV file; open it in Excel and "
                           "save it as 'CSV UTF-8 (comma delimited)'")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise RawDataError(f"{label}: the file is UTF-16 text; expected UTF-8: save it as 'CSV UTF-8'")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no, column = _locate(data, exc.start)
        raise RawDataError(f"{label}: line {line_no}, column {column!r}: byte 0x{data[exc.start]:02x} is not "
                           "UTF-8 (Windows-1252 text?); expected UTF-8: save it as 'CSV UTF-8'", column) from None
    header = text.split("\n", 1)[0]
    if header.count(";") > header.count(",") and header.count(";") >= 2:
        raise RawDataError(f"{label}: the columns are separated by semicolons ({header[:60]!r}); "
                           "expected commas: save it as 'CSV UTF-8 (comma delimited)'")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise RawDataError(f"{label}: not a well-formed CSV ({_plain(exc)}); expected one row per line with "
                           "the header's number of fields and quotes closed") from None
    except pd.errors.EmptyDataError:
        raise RawDataError(f"{label}: the file has no header row") from None
    _check_complete(df, text, label)
    return df


def _locate(data: bytes, offset: int) -> tuple[int, str]:
    """The CSV line number and header column of a byte offset."""
    line_no = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    field = data[start:offset].count(b",")
    header = data.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r").split(",")
    return line_no, header[field] if field < len(header) else f"field {field + 1}"


def _check_complete(df: pd.DataFrame, text: str, label: str) -> None:
    """A last line that stops short of the header's columns with no final newline: a cut-off file."""
    if df.empty or text.endswith(("\n", "\r")):
        return
    last = df.iloc[-1]
    short = [c for c in df.columns if pd.isna(last[c])]
    if short:
        raise RawDataError(f"{label}: line {len(df) + 1} stops part-way (no value for column(s) "
                           f"{', '.join(repr(c) for c in short)}) and the file has no final newline; expected a "
                           "complete file: was the download or export cut short?", short[0])


def _plain(exc: Exception) -> str:
    return str(exc).strip().replace("\n", " ")


def require_columns(df: pd.DataFrame, columns, label: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RawDataError(
            f"{label}: missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"found {', '.join(repr(c) for c in df.columns)}"
        )


def split_values(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Published text -> (float value, GSS status). Float artefacts are parsed as numbers."""
    stripped = text.astype(str).str.strip()
    value = pd.to_numeric(stripped, errors="coerce")
    status = pd.Series(np.where(value.notna(), "ok", stripped.map(MARKERS).fillna("x")), index=text.index)
    return value.astype(float), status


_YEAR = re.compile(r"(\d{4})(?:\s*[-/]\s*(\d{2,4}))?")


@functools.lru_cache(maxsize=4096)  # called once a row (Series.map); files hold a few labels
def end_year(label: str) -> int | None:
    """The year a period label ends in, or None for a label that cannot be a period:
    '2025' -> 2025, '2024-25' -> 2025, '2016/17' -> 2017, '1999/00' -> 2000, '2024 (Rev)' -> 2024,
    '2019 - 21' -> 2021, '202425' (EES academic) -> 2025; '2024-23' and '202523' -> None."""
    s = str(label).strip()
    if re.fullmatch(r"\d{6}", s):
        first, second = int(s[:4]), int(s[4:])
        return first + 1 if second == (first + 1) % 100 else None
    m = _YEAR.search(s)
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    if not end:
        return start
    if len(end) == 4:
        return int(end) if int(end) > start else None
    if int(end) == (start + 1) % 100:
        return start + 1
    candidate = start // 100 * 100 + int(end)
    return candidate if candidate > start else None


def period_label(year: int, year_type: str) -> str:
    """The conventional label of the period ending in `year` for an indicator's year type."""
    if year_type == "academic":
        return f"{year - 1}/{year % 100:02d}"
    if year_type == "financial":
        return f"{year - 1}-{year % 100:02d}"
    return str(year)


def tidy_frame(**cols) -> pd.DataFrame:
    df = pd.DataFrame(cols)
    for c in TIDY_COLUMNS:
        if c not in df:
            df[c] = np.nan
    return df[TIDY_COLUMNS]
