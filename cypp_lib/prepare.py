"""Raw files -> the tidy processed table (data/processed/indicators.parquet) and its provenance.

Steps: read each raw file the catalogue names (absent files are recorded, not fatal, as long as
one file is present); run its adapter; add confidence intervals where the source gives a
numerator and denominator but no interval; flag implausible aggregate rows; record provenance
(file checksums, whether the data is the demonstration set, warnings).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from cypp_lib import __version__, participation_log, revisions
from cypp_lib.catalogue import Catalogue
from cypp_lib.demo import is_demo
from cypp_lib.errors import RawDataError
from cypp_lib.geography import AreaRegistry
from cypp_lib.paths import PROCESSED_META, PROCESSED_TABLE
from cypp_lib.rawfiles import RawSet, read_inputs
from cypp_lib.sources import ADAPTERS, ORDER, TIDY_COLUMNS
from cypp_lib.stats import proportion, rate


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def prepare(raw_dir: Path, catalogue: Catalogue, raw_set: RawSet | None = None):
    """Build the tidy table from raw_dir. `raw_set` may hold the files already read (and checked)
    by validation; otherwise they are read here.

    Returns (table, provenance dict).
    """
    raw_dir = Path(raw_dir)
    raw_set = read_inputs(raw_dir, catalogue) if raw_set is None else raw_set
    if raw_set.unreadable:
        raise next(iter(raw_set.unreadable.values()))
    registry = AreaRegistry()
    current, earlier = catalogue.files(), catalogue.vintage_files()
    inputs = sorted(raw_set.inputs.values(), key=lambda r: (ORDER[r.entry.adapter], r.rel))
    parts, old_parts, file_records = [], [], []
    for raw in inputs:
        adapter = ADAPTERS[raw.entry.adapter]
        if raw.entry.path in current:
            parts.append(adapter(raw.frame, current[raw.entry.path], registry, raw.rel))
        if raw.entry.path in earlier:
            old_parts.append(adapter(raw.frame, earlier[raw.entry.path], registry, raw.rel))
        path = raw_dir / raw.rel
        file_records.append({"file": raw.rel, "sha256": sha256(path), "bytes": path.stat().st_size,
                             "rows": len(raw.frame), "indicators": sorted(
                                 {i.id for i in current.get(raw.entry.path, []) + earlier.get(raw.entry.path, [])})})
    if not parts:
        raise RawDataError(f"{raw_dir}: none of the raw files the catalogue needs is present "
                           f"(looked for {', '.join(current)})")
    table = _drop_repeats(pd.concat(parts, ignore_index=True))
    table = _add_intervals(table, catalogue)
    table, warnings = flag_implausible_aggregates(table, catalogue)
    table = table.sort_values(["indicator", "area_code", "year"], kind="stable").reset_index(drop=True)
    table["year"] = table["year"].astype("Int64")
    table["la_number"] = table["la_number"].astype("Int64")
    vintage_changes = (revisions.compare_vintages(pd.concat(old_parts, ignore_index=True), table)
                       if old_parts else pd.DataFrame(columns=revisions.COLUMNS))
    provenance = {
        "cypp_version": __version__,
        "demo": is_demo(raw_dir),
        "files": file_records,
        "missing": raw_set.missing,
        "warnings": raw_set.warnings + warnings,
        "vintage_revisions": revisions.records(vintage_changes),
        "rows": len(table),
    }
    log = participation_log.log_records(raw_set, catalogue)  # the priority 4 paper's evidence (no notes)
    if log is not None:
        provenance[participation_log.PROVENANCE_KEY] = log
    return table[TIDY_COLUMNS], provenance


def _drop_repeats(table: pd.DataFrame) -> pd.DataFrame:
    """Drop rows repeated with identical values (Fingertips lists England both as itself and as a
    child of England); two different values for one indicator, area and period are an error."""
    key = ["indicator", "area_code", "year"]
    table = table.drop_duplicates(key + ["value", "status"])
    clash = table[table.duplicated(key, keep=False)]
    if not clash.empty:
        first = clash.iloc[0]
        raise RawDataError(
            f"{first['source']}: {len(clash)} rows give different values for the same indicator, "
            f"area and period, e.g. {first['indicator']} for {first['area_name']} {first['period']}: "
            f"{', '.join(str(v) for v in clash[(clash[key] == first[key]).all(axis=1)]['value'])}; "
            "expected one value per area and period")
    return table


def _add_intervals(table: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """95% and 99.8% limits (Wilson for proportions, Byar's/exact for rates and counts) where the
    source gives counts but not the limits; published limits are kept as published."""
    for level in ("95", "99_8"):
        lo, up = f"lower_{level}", f"upper_{level}"
        need = table[lo].isna() & table["numerator"].notna() & table["denominator"].notna()
        for ind_id, idx in table[need].groupby("indicator").groups.items():
            ind = catalogue[ind_id]
            if ind.value_type not in ("proportion", "rate"):
                continue
            rows = table.loc[idx]
            fn = proportion if ind.value_type == "proportion" else rate
            ci = fn(rows["numerator"].to_numpy(), rows["denominator"].to_numpy(), multiplier=ind.multiplier,
                    confidence=0.95 if level == "95" else 0.998)
            table.loc[idx, lo] = ci[lo].to_numpy()
            table.loc[idx, up] = ci[up].to_numpy()
    return table


def flag_implausible_aggregates(table: pd.DataFrame, catalogue: Catalogue, min_las: int = 10):
    """Mark an England or regional value outside the range of every LA's value as unreliable
    (status 'u') so papers do not compare with it. Returns (table, warnings)."""
    warnings = []
    ok = table["status"] == "ok"
    las = table[ok & (table["area_level"] == "Local authority")]
    bounds = las.groupby(["indicator", "year"])["value"].agg(["min", "max", "count"])
    agg = table[ok & (table["area_level"] != "Local authority")].join(bounds, on=["indicator", "year"])
    rate_like = agg["indicator"].map(lambda i: catalogue[i].value_type in ("proportion", "rate", "mean"))
    bad = agg[rate_like & (agg["count"] >= min_las) & ((agg["value"] < agg["min"]) | (agg["value"] > agg["max"]))]
    for (ind, area), grp in bad.groupby(["indicator", "area_name"]):
        years = ", ".join(str(int(y)) for y in sorted(grp["year"]))
        warnings.append(
            f"{grp['source'].iloc[0]}: {area} value for {ind} ({years}) lies outside the range of "
            f"every local authority; treated as unreliable and not used as a comparator."
        )
    table.loc[bad.index, "status"] = "u"
    return table, warnings


def write_processed(table: pd.DataFrame, provenance: dict, processed_dir: Path) -> Path:
    """Write table and provenance atomically (temporary files, then rename)."""
    processed_dir = Path(processed_dir)
    processed_dir.mkdir(parents=True, exist_ok=True)
    target = processed_dir / PROCESSED_TABLE
    with tempfile.NamedTemporaryFile(dir=processed_dir, suffix=".tmp", delete=False) as tmp:
        table.to_parquet(tmp.name, index=False)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, target)
    meta = processed_dir / PROCESSED_META
    tmp_meta = meta.with_suffix(".tmp")
    tmp_meta.write_text(json.dumps(provenance, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp_meta, meta)
    return target


def read_previous(processed_dir: Path) -> pd.DataFrame | None:
    """The last good processed table, if there is a readable one (for the revisions report)."""
    path = Path(processed_dir) / PROCESSED_TABLE
    try:
        return pd.read_parquet(path) if path.is_file() else None
    except Exception:  # an unreadable old table only means no comparison
        return None


def read_processed(processed_dir: Path) -> tuple[pd.DataFrame, dict]:
    processed_dir = Path(processed_dir)
    path = processed_dir / PROCESSED_TABLE
    if not path.is_file():
        raise RawDataError(f"{path}: no processed data; run `cypp build` first")
    meta = json.loads((processed_dir / PROCESSED_META).read_text(encoding="utf-8"))
    return pd.read_parquet(path), meta

