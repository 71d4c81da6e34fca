"""Read the raw files the catalogue needs, once, for both validation and preparation.

Each manifest path (which may hold a `*` for a series of yearly files) is expanded under the raw
folder; each file is read as text (markers kept) with its EES `.meta.csv` when one sits beside
it. Rows listed in expectations/known_defects.yaml (reviewed defects in published files) are
set aside here, with a warning that every paper's quality appendix repeats. Raw files are only
ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cypp_lib import yamlfile
from cypp_lib.catalogue import Catalogue
from cypp_lib.catalogue.manifest import RawFile, load_manifest
from cypp_lib.errors import RawDataError
from cypp_lib.paths import EXPECTATIONS
from cypp_lib.sources import read_raw_csv

KNOWN_DEFECTS = "known_defects.yaml"


@dataclass
class RawInput:
    rel: str  # the file, relative to the raw folder
    entry: RawFile  # its manifest entry
    frame: pd.DataFrame  # text, markers kept, known defects removed
    meta: pd.DataFrame | None = None  # the EES .meta.csv, when present
    excluded: list[str] = field(default_factory=list)  # warnings about rows set aside


@dataclass
class RawSet:
    inputs: dict[str, RawInput]
    missing: list[dict]  # manifest paths absent from the raw folder, with the indicators they feed
    unreadable: dict[str, RawDataError]  # files present but not readable as CSV

    @property
    def warnings(self) -> list[str]:
        return [w for i in self.inputs.values() for w in i.excluded]


def meta_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".csv") + ".meta.csv")


def read_inputs(raw_dir: Path, catalogue: Catalogue, defects: list[dict] | None = None) -> RawSet:
    raw_dir = Path(raw_dir)
    manifest = load_manifest()
    current, earlier = catalogue.files(), catalogue.vintage_files()
    defects = load_known_defects() if defects is None else defects
    inputs, missing, unreadable = {}, [], {}
    for path in catalogue.all_files():
        entry = manifest[path]
        rels = entry.expand(raw_dir)
        if not rels:
            feeds = [i.id for i in current.get(path, [])] or [f"{i.id} (earlier vintage)" for i in earlier.get(path, [])]
            missing.append({"file": path, "indicators": feeds})
            continue
        for rel in rels:
            try:
                frame = read_raw_csv(raw_dir / rel, rel)
                meta = meta_path(raw_dir / rel)
                meta_frame = read_raw_csv(meta, str(Path(rel).with_name(meta.name))) if meta.is_file() else None
            except RawDataError as exc:
                unreadable[rel] = exc
                continue
            frame, excluded = _set_aside(frame, rel, defects)
            inputs[rel] = RawInput(rel, entry, frame, meta_frame, excluded)
    return RawSet(inputs, missing, unreadable)


def load_known_defects(folder: Path = EXPECTATIONS) -> list[dict]:
    path = Path(folder) / KNOWN_DEFECTS
    if not path.is_file():
        return []
    return yamlfile.safe_load(path.read_text(encoding="utf-8")) or []


def _set_aside(frame: pd.DataFrame, rel: str, defects: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    warnings = []
    for d in defects:
        if not Path(rel).match(d["file"]):
            continue
        hit = pd.Series(True, index=frame.index)
        for col, want in d["where"].items():
            hit &= frame[col] == str(want) if col in frame else False
        if hit.any():
            lines = ", ".join(str(i + 2) for i in frame.index[hit][:5])
            warnings.append(f"{rel}, line(s) {lines}: {d['reason']} Excluded "
                            f"({int(hit.sum())} row(s) where {_where(d['where'])}).")
            frame = frame[~hit]
    return frame, warnings


def _where(where: dict) -> str:
    return " and ".join(f"{k} is {v!r}" for k, v in where.items())
