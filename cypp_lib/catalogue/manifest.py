"""The raw-file manifest (manifest.yaml): each raw file's path, format, publisher, required areas
and download address. Paths may hold one `*` for a series of files, one per year.

    >>> from cypp_lib.catalogue.manifest import load_manifest
    >>> load_manifest()["nccis_neet/neet_la_*.csv"].adapter
    'nccis'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cypp_lib import yamlfile
from cypp_lib.errors import CatalogueError
from cypp_lib.paths import MANIFEST_FILE

ADAPTERS = {"lait", "ees", "fingertips", "nccis", "smapey", "ofsted", "local"}
REQUIRED = {"la", "london", "england"}


@dataclass(frozen=True)
class RawFile:
    path: str
    adapter: str
    title: str
    publisher: str
    required: tuple[str, ...] = ()
    fetch: dict = field(default_factory=dict)

    @property
    def is_series(self) -> bool:
        return "*" in self.path

    def expand(self, raw_dir: Path) -> list[str]:
        """The files under raw_dir this entry names (relative paths, sorted; [] when absent)."""
        raw_dir = Path(raw_dir)
        if not self.is_series:
            return [self.path] if (raw_dir / self.path).is_file() else []
        return sorted(str(p.relative_to(raw_dir)) for p in raw_dir.glob(self.path) if p.is_file())


def parse_manifest(doc: dict, origin: str = "manifest") -> dict[str, RawFile]:
    if not isinstance(doc, dict) or set(doc) != {"files"}:
        raise CatalogueError(f"{origin}: expected a mapping with one section, 'files'")
    out: dict[str, RawFile] = {}
    allowed = {"path", "adapter", "title", "publisher", "required", "fetch"}
    for n, raw in enumerate(doc["files"], start=1):
        where = f"{origin}: file {raw.get('path', f'#{n}')!r}"
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise CatalogueError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        missing = sorted({"path", "adapter", "title", "publisher"} - set(raw))
        if missing:
            raise CatalogueError(f"{where}: missing required field(s) {', '.join(missing)}")
        entry = RawFile(raw["path"], raw["adapter"], raw["title"], raw["publisher"],
                        tuple(raw.get("required") or ()), dict(raw.get("fetch") or {}))
        if entry.adapter not in ADAPTERS:
            raise CatalogueError(f"{where}: adapter {entry.adapter!r}; expected one of {sorted(ADAPTERS)}")
        if set(entry.required) - REQUIRED:
            raise CatalogueError(f"{where}: required {list(entry.required)}; expected some of {sorted(REQUIRED)}")
        if entry.path.count("*") > 1 or entry.path.startswith("/") or ".." in Path(entry.path).parts:
            raise CatalogueError(f"{where}: path must be relative to the raw folder, with at most one '*'")
        if entry.path in out:
            raise CatalogueError(f"{where}: listed twice")
        out[entry.path] = entry
    return out


@lru_cache(maxsize=4)
def load_manifest(path: str | Path = MANIFEST_FILE) -> dict[str, RawFile]:
    path = Path(path)
    try:
        doc = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    except yamlfile.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from None
    return parse_manifest(doc, origin=path.name)
