"""What every adapter shares: reading raw CSV as text, markers, periods, the tidy frame."""

from __future__ import annotations

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
           "low": "k", "": "x", "NA": "x"}


def read_raw_csv(path: Path, label: str | None = None) -> pd.DataFrame:
    """Read a raw CSV with every column as text (markers kept), or raise RawDataError naming the file."""
    label = label or str(path)
    if not path.is_file():
        raise RawDataError(f"{label}: file not found")
    if path.stat().st_size == 0:
        raise RawDataError(f"{label}: the file is empty")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawDataError(f"{label}: not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV") from None
    except pd.errors.ParserError as exc:
        raise RawDataError(f"{label}: not a well-formed CSV: {exc}") from None
    except pd.errors.EmptyDataError:
        raise RawDataError(f"{label}: the file has no header row") from None


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


def end_year(label: str) -> int | None:
    """The year a period label ends in: '2025' -> 2025, '2024-25' -> 2025, '2016/17' -> 2017,
    '2024 (Rev)' -> 2024, '202425' (EES academic) -> 2025."""
    s = str(label).strip()
    if re.fullmatch(r"\d{6}", s):
        return int(s[:4]) + 1
    m = _YEAR.search(s)
    if not m:
        return None
    start, end = m.group(1), m.group(2)
    if not end:
        return int(start)
    return int(end) if len(end) == 4 else int(start[:2] + end) if int(end) > int(start[2:]) else int(start) + 1


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
