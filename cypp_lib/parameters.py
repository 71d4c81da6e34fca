"""Paper parameters, checked before any notebook runs.

A board paper is parameterised by area, period, statistical-neighbour model, meeting date and (for
the annual report) which priorities. Bad values are refused here with a message that says what
was given and what is allowed, before papermill starts a kernel: a typo must not cost a
minute of execution and then fail inside cell 3 of a notebook.
"""

from __future__ import annotations

import ast
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cypp_lib import geography as geo
from cypp_lib.errors import ParameterError

if TYPE_CHECKING:  # pandas is imported only by the checks that read the processed table
    import pandas as pd

DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y")


def meeting_date(text: str) -> str:
    """'12 March 2026', '12 Mar 2026', '2026-03-12' or '12/03/2026' -> '12 March 2026'; '' stays ''."""
    text = str(text or "").strip()
    if not text:
        return ""
    for fmt in DATE_FORMATS:
        try:
            d: date = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return f"{d.day} {d:%B %Y}"
    raise ParameterError(f"meeting date {text!r} is not a date; write it like '12 March 2026' or '2026-03-12'")


def priorities(value, known: dict) -> list[int]:
    """'1,3' or [1, 3] -> [1, 3]; each must be one of the plan's priorities."""
    items = value if isinstance(value, (list, tuple)) else [v for v in str(value).replace(" ", "").split(",") if v]
    out = []
    for v in items:
        try:
            n = int(v)
        except (TypeError, ValueError):
            raise ParameterError(f"priority {v!r} is not a number; the plan's priorities are "
                                 f"{', '.join(map(str, sorted(known)))}") from None
        if n not in known:
            raise ParameterError(f"priority {n} is not in the plan; its priorities are "
                                 + "; ".join(f"{k} ({known[k]})" for k in sorted(known)))
        if n not in out:
            out.append(n)
    if not out:
        raise ParameterError("no priorities given; name at least one, e.g. 1,2,3,4")
    return sorted(out)


def period(value) -> str:
    text = str(value).strip()
    if text != "latest" and not (text.isdigit() and len(text) == 4):
        raise ParameterError(f"period {value!r}: use 'latest' or the year a period ends in, e.g. 2024")
    return text


def _number(value) -> int:
    """A DfE number, or -1 when missing (None, NaN or pandas NA)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def registry_for(table: pd.DataFrame) -> geo.AreaRegistry:
    """The area registry, with any area the processed table holds that the code lists lack."""
    registry = geo.AreaRegistry()
    for code, name, level, num in table[["area_code", "area_name", "area_level", "la_number"]].drop_duplicates(
            "area_code").itertuples(index=False):
        if code not in registry.by_code:
            registry.add(geo.Area(code, name, _number(num), level))
    return registry


def resolve_area(table: pd.DataFrame, area: str, registry: geo.AreaRegistry | None = None) -> geo.Area:
    """The area named by an LA name, ONS code or DfE number, which must have rows in the table."""
    registry = registry or registry_for(table)
    try:
        resolved = registry.resolve(str(area))
    except KeyError:
        las = sorted(table.loc[table["area_level"] == "Local authority", "area_name"].unique())
        close = [n for n in las if str(area).casefold()[:4] in n.casefold()][:5]
        raise ParameterError(f"area {area!r} is not in the processed data"
                             + (f"; did you mean {', '.join(close)}?" if close else f"; {len(las)} LAs are available")) from None
    if resolved.code not in set(table["area_code"]):
        raise ParameterError(f"area {area!r} has no rows in the processed data")
    return resolved


def check_period_has_data(table: pd.DataFrame, area: geo.Area, value: str) -> None:
    """A named year must hold at least one published value for the area."""
    if value == "latest":
        return
    mine = table[(table["area_code"] == area.code) & (table["status"] == "ok")]
    if not (mine["year"].astype(int) == int(value)).any():
        years = sorted(mine["year"].astype(int).unique())
        raise ParameterError(f"period {value}: {area.name} has no published value for any indicator in a period "
                             f"ending in {value}; the data cover {years[0]} to {years[-1]}" if years else
                             f"period {value}: {area.name} has no published values")


def notebook_parameters(path: Path) -> set[str]:
    """Names assigned in the notebook's cell tagged 'parameters' (read without running it)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            names = set()
            for node in ast.parse(source).body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
            return names
    raise ParameterError(f"{Path(path).name} has no cell tagged 'parameters'")


def check_notebook(path: Path, given: dict) -> None:
    """Every parameter given must be one the notebook declares (papermill would only warn)."""
    unknown = sorted(set(given) - notebook_parameters(path))
    if unknown:
        raise ParameterError(f"{Path(path).name}: unknown parameter(s) {', '.join(unknown)}; it takes "
                             f"{', '.join(sorted(notebook_parameters(path)))}")
