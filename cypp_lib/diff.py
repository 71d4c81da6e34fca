"""`cypp diff OLD NEW`: what moved between two builds' papers, by indicator and value.

Compares the `values.csv` of two output folders (cypp_lib/values.py: one row per statistical
indicator, as the papers state it) and lists, per indicator whose published facts changed:

- "new period": the paper now shows a different period (usually the next year's data);
- "revised": the same period with a different value (the source revised it);
- "now published" / "no longer published": a value appeared or disappeared;
- "comparison changed": the scorecard's comparison with England changed ("similar" -> "worse");
- "trend changed": the recent trend changed;
- "band changed": the quartile band among English LAs changed.

An indicator appears once, under the first of these kinds that applies; its `summary` says
everything that changed, e.g. "Funded early education take-up, 2-year-olds: 55.5% (2019) ->
60.0% (2024/25); compared with England: worse (not tested) -> similar". A difference smaller
than half the last shown decimal place of the coarser of the two values (55.5% against 55.54%)
is rounding, not a change: the same rule as the revisions report (cypp_lib/revisions.py).

`diff_builds` also reads each folder's `build.json` (when present) and returns notes on what
else differs: cypp version, demonstration data, parameters, raw files (by SHA-256).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd

from cypp_lib.errors import CyppError

#: The kinds of change, in the order they are tried (an indicator's `kind` is the first that
#: applies) and listed.
KINDS = ("new period", "revised", "now published", "no longer published", "comparison changed",
         "trend changed", "band changed")
#: The columns of the change table. `changes` lists every kind that applies ("new period;
#: comparison changed"); old_value and new_value are as the papers show them ("55.5%");
#: difference is new minus old (latest to latest when the period changed), empty when either is
#: missing.
COLUMNS = ["kind", "changes", "indicator", "name", "old_period", "old_value", "new_period", "new_value",
           "difference", "summary"]
VALUES_FILE = "values.csv"
RUN_RECORD = "build.json"
_NUMBER = re.compile(r"-?[\d,]+(?:\.(\d+))?")


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _text(x) -> str:
    return "" if _missing(x) else str(x)


def _decimals(row) -> int:
    """The decimal places a value is shown to: from `shown` ("55.5%" -> 1), else from the value."""
    m = _NUMBER.search(_text(row.get("shown")))
    if m:
        return len(m.group(1) or "")
    from cypp_lib.revisions import decimals

    return decimals(pd.Series([row["value"]], dtype=float))


def _has_value(row) -> bool:
    return row is not None and not _missing(row["value"])


def _shown(row) -> str:
    return _text(row.get("shown")) or _text(row["value"])


def _trend(text: str) -> str:
    if not text or text == "Cannot be calculated":
        return "not calculated"
    return text[0].lower() + text[1:]


def _band(row) -> str:
    band = _text(row.get("band"))
    if not band:
        return "none"
    rank, ranked = row.get("rank"), row.get("ranked")
    return f"{band} (rank {int(rank)} of {int(ranked)})" if not (_missing(rank) or _missing(ranked)) else band


def _change(o, n) -> dict | None:
    """The change row for one indicator (o, n: rows of the old and new values, or None), or None
    when nothing the papers state changed."""
    ref = n if n is not None else o
    name = _text(ref["name"]) or _text(ref["indicator"])
    kinds, extras = [], []
    difference = float("nan")
    if _has_value(o) and _has_value(n):
        d = max(_decimals(o), _decimals(n))
        tol = 0.5 * 10.0 ** -min(_decimals(o), _decimals(n)) + 1e-9
        raw = float(n["value"]) - float(o["value"])
        difference = round(raw, d) + 0.0 if abs(raw) > tol else 0.0
        same_period = (_text(o["period"]), _text(o["year"])) == (_text(n["period"]), _text(n["year"]))
        if not same_period:
            kinds.append("new period")
            head = f"{_shown(o)} ({_text(o['period'])}) -> {_shown(n)} ({_text(n['period'])})"
        elif abs(raw) > tol:
            kinds.append("revised")
            head = f"{_shown(o)} -> {_shown(n)} ({_text(n['period'])}, revised)"
        else:
            head = f"{_shown(n)} ({_text(n['period'])})"
        for kind, col, word, fmt in (("comparison changed", "compared_with_england", "compared with England", _text),
                                     ("trend changed", "trend", "recent trend", lambda x: _trend(_text(x)))):
            if _text(o[col]) != _text(n[col]):
                kinds.append(kind)
                extras.append(f"{word}: {fmt(o[col])} -> {fmt(n[col])}")
        if _text(o["band"]) != _text(n["band"]):
            kinds.append("band changed")
            extras.append(f"quartile band: {_band(o)} -> {_band(n)}")
    elif _has_value(n):
        kinds.append("now published")
        head = f"no value -> {_shown(n)} ({_text(n['period'])})"
    elif _has_value(o):
        kinds.append("no longer published")
        head = f"{_shown(o)} ({_text(o['period'])}) -> no value" + ("" if n is not None else " (not in the new build)")
    if not kinds:
        return None
    kinds.sort(key=KINDS.index)
    return {"kind": kinds[0], "changes": "; ".join(kinds), "indicator": _text(ref["indicator"]), "name": name,
            "old_period": _text(o["period"]) if _has_value(o) else "",
            "old_value": _shown(o) if _has_value(o) else "",
            "new_period": _text(n["period"]) if _has_value(n) else "",
            "new_value": _shown(n) if _has_value(n) else "", "difference": difference,
            "summary": f"{name}: " + "; ".join([head, *extras])}


def diff_values(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """What changed from `old` to `new` (values tables as paper_values or read_values give them;
    missing columns count as empty), one row per indicator whose published facts changed, with COLUMNS; in the new table's order,
    then indicators only the old table has.

    Checked against hand-written expectations in tests/test_diff.py.
    """
    from cypp_lib.values import as_values_table

    old_rows = {r["indicator"]: r for r in as_values_table(old).to_dict("records")}
    new_rows = {r["indicator"]: r for r in as_values_table(new).to_dict("records")}
    ids = list(new_rows) + [i for i in old_rows if i not in new_rows]
    rows = [c for i in ids if (c := _change(old_rows.get(i), new_rows.get(i))) is not None]
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["difference"] = df["difference"].astype(float)
    return df


# ---------------------------------------------------------------------------------- two folders
def _read_build(folder: Path, label: str):
    """(values table, run record or None, notes) of one output folder."""
    from cypp_lib.values import read_values

    if not folder.is_dir():
        raise CyppError(f"{label}: no such folder")
    path = folder / VALUES_FILE
    if not path.is_file():
        raise CyppError(f"{label}/{VALUES_FILE} not found: build it with this version of cypp "
                        f"(cypp build --out {label})")
    try:
        values = read_values(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CyppError(f"{label}/{VALUES_FILE} could not be read as a values table: {exc}") from None
    if values.empty or (values["indicator"] == "").any():
        raise CyppError(f"{label}/{VALUES_FILE} is not a cypp values table (no indicator column or rows)")
    notes, record = [], None
    run = folder / RUN_RECORD
    if run.is_file():
        try:
            record = json.loads(run.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            record = None
            notes.append(f"{label}/{RUN_RECORD} could not be read: the cypp version, parameters and raw "
                         "files of that build are not compared.")
    else:
        notes.append(f"{label} has no {RUN_RECORD}: the cypp version, parameters and raw files of that "
                     "build are not compared.")
    return values, record, notes


def _areas(values: pd.DataFrame, record: dict | None) -> str:
    areas = sorted(set(values["area"]) - {""})
    return ", ".join(areas) or _text((record or {}).get("area"))


def _options(record: dict) -> dict:
    opts = record.get("options") or record.get("parameters") or {}
    return opts if isinstance(opts, dict) else {}


def _record_notes(old: dict, new: dict, old_label: str, new_label: str) -> list[str]:
    """What differs between two run records (build.json) besides the values."""
    notes = []
    if old.get("cypp_version") != new.get("cypp_version"):
        notes.append(f"{old_label} was built with cypp {old.get('cypp_version', '(unknown)')}, {new_label} with "
                     f"cypp {new.get('cypp_version', '(unknown)')}: a change may come from cypp's methods, "
                     "not the data.")
    if bool(old.get("demo")) != bool(new.get("demo")):
        demo, real = (old_label, new_label) if old.get("demo") else (new_label, old_label)
        notes.append(f"{demo} was built from the synthetic demonstration data and {real} from supplied data: "
                     "the differences are not real changes.")
    elif old.get("demo") and new.get("demo"):
        notes.append("Both builds are from cypp's synthetic demonstration data: the numbers are invented.")
    o_opts, n_opts = _options(old), _options(new)
    for key, label in (("period", "period"), ("neighbour_model", "statistical-neighbour model")):
        if key in o_opts and key in n_opts and str(o_opts[key]) != str(n_opts[key]):
            notes.append(f"Different {label}: {o_opts[key]} ({old_label}), {n_opts[key]} ({new_label}).")
    o_files = {f.get("file"): f.get("sha256") for f in old.get("raw_files") or [] if isinstance(f, dict)}
    n_files = {f.get("file"): f.get("sha256") for f in new.get("raw_files") or [] if isinstance(f, dict)}
    if o_files and n_files:
        changed = sorted(f for f in o_files.keys() & n_files.keys() if o_files[f] != n_files[f])
        added, removed = sorted(n_files.keys() - o_files.keys()), sorted(o_files.keys() - n_files.keys())
        if not (changed or added or removed):
            notes.append("The raw files are the same in both builds (same SHA-256): any change comes from "
                         "the parameters or cypp itself.")
        else:
            parts = [f"{len(fs)} {word}: {_few(fs)}" for fs, word in
                     ((changed, "changed"), (added, "added"), (removed, "removed")) if fs]
            notes.append(f"Raw files (by SHA-256): {'; '.join(parts)}.")
    return notes


def _few(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def diff_builds(old_dir, new_dir, allow_different_areas: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """The changes (diff_values) between the values.csv of two output folders, and notes on what
    else differs between the builds (from their build.json).

    Raises CyppError naming the folder when one has no values.csv (built before cypp published
    it) or cannot be read, and when the two builds are for different areas: every value would
    differ, and "revised" would be wrong. `allow_different_areas=True` compares them anyway, with
    a note saying so.
    """
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    old_label, new_label = str(old_dir), str(new_dir)
    old, old_record, notes = _read_build(old_dir, old_label)
    new, new_record, new_notes = _read_build(new_dir, new_label)
    notes += new_notes
    old_area, new_area = _areas(old, old_record), _areas(new, new_record)
    if old_area != new_area:
        message = (f"{old_label} is a build for {old_area or '(unknown area)'} and {new_label} for "
                   f"{new_area or '(unknown area)'}")
        if not allow_different_areas:
            raise CyppError(f"{message}: cypp diff compares two builds for the same area. Use "
                            "--allow-different-areas to compare them anyway.")
        notes.insert(0, f"{message}: the changes below are differences between two areas, not changes over time.")
    if old_record is not None and new_record is not None:
        notes += _record_notes(old_record, new_record, old_label, new_label)
    return diff_values(old, new), list(dict.fromkeys(notes))


# ---------------------------------------------------------------------------------- text
def format_diff(df: pd.DataFrame, notes: list[str] | None = None, old_label: str = "OLD",
                new_label: str = "NEW") -> str:
    """The changes as terminal text: a heading, the notes, then the summaries grouped by kind
    (in KINDS order); "No published value changed." when there is none."""
    n = len(df)
    lines = [f"Changes from {old_label} to {new_label}: "
             + (f"{n} indicator{'s' if n != 1 else ''} changed." if n else "none.")]
    lines += [f"Note: {note}" for note in notes or []]
    if not n:
        lines += ["", "No published value changed."]
    for kind in KINDS:
        members = df[df["kind"] == kind]
        if members.empty:
            continue
        lines += ["", f"{kind[0].upper() + kind[1:]} ({len(members)})"]
        lines += [f"  - {s}" for s in members["summary"]]
    return "\n".join(lines) + "\n"
