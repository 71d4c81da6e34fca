"""The build cache: results stored under the SHA-256 of everything they depend on.

Two kinds of entry, in `<processed>/.cache/`:

- `prepared/<key>/`: the validated and prepared data (indicators.parquet, provenance.json, the
  validation page and the report summary). The key covers the raw files' contents, the library
  and expectation suites, the package versions and the area the checks require. When it
  matches, validation (Great Expectations) and preparation are skipped.
- `papers/<key>.html`: a rendered paper. The key covers the prepared data's key, the notebook's
  bytes, the paper's parameters (not its machine paths) and the library. When it matches, the
  notebook is not executed.

- `charts/<library>/<key>.png`: a drawn chart, under the SHA-256 of everything it shows, so a
  chart that several papers show (the annual report repeats the priority papers' trend charts)
  is drawn once. The folder is per library version.

Entries are written to a temporary name and renamed, so an interrupted build never leaves a
half-written entry. Old entries are pruned, newest kept. Deleting the folder is always safe.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

KEEP_PREPARED = 4
KEEP_PAPERS = 60
KEEP_CHARTS = 2000  # about 60 KB each


class Cache:
    def __init__(self, root: Path):
        self.root = Path(root)

    # ------------------------------------------------------------------ prepared data
    def prepared_dir(self, key: str) -> Path | None:
        d = self.root / "prepared" / key
        return d if (d / "complete").is_file() else None

    def store_prepared(self, key: str, files: dict[str, bytes | str]) -> Path:
        """files: name -> content. Returns the entry folder."""
        base = self.root / "prepared"
        base.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=base, prefix=".tmp-"))
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (tmp / name).write_bytes(data)
        (tmp / "complete").write_text(key, encoding="utf-8")
        target = base / key
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
        self._prune(base, KEEP_PREPARED, dirs=True)
        return target

    # ------------------------------------------------------------------ papers
    def paper(self, key: str) -> Path | None:
        p = self.root / "papers" / f"{key}.html"
        return p if p.is_file() else None

    def store_paper(self, key: str, html_file: Path) -> None:
        base = self.root / "papers"
        base.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".tmp-", suffix=".html")
        os.close(fd)
        shutil.copyfile(html_file, tmp)
        os.replace(tmp, base / f"{key}.html")
        self._prune(base, KEEP_PAPERS, dirs=False)

    # ------------------------------------------------------------------ charts
    def charts_dir(self, code: str) -> Path:
        """The chart cache of this library version (charts/<code>/<content key>.png, written by
        cypp_lib.report.charts); older versions' folders are removed, the newest charts kept."""
        base = self.root / "charts"
        folder = base / code[:16]
        folder.mkdir(parents=True, exist_ok=True)
        for old in base.iterdir():
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        self._prune(folder, KEEP_CHARTS, dirs=False)
        return folder

    # ------------------------------------------------------------------ housekeeping
    @staticmethod
    def _prune(base: Path, keep: int, dirs: bool) -> None:
        entries = [p for p in base.iterdir() if not p.name.startswith(".") and p.is_dir() == dirs]
        for old in sorted(entries, key=lambda p: p.stat().st_mtime, reverse=True)[keep:]:
            shutil.rmtree(old, ignore_errors=True) if dirs else old.unlink(missing_ok=True)


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
