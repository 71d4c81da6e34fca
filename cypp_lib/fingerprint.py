"""Content fingerprints for the build cache: what a step's result depends on, as one SHA-256.

A fingerprint hashes file contents, never modification times, so touching a file does not
invalidate anything and an unchanged file copied elsewhere still matches. Only the standard
library is imported here: a no-op build must not pay for pandas, Great Expectations or seaborn.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from cypp_lib import __version__
from cypp_lib.paths import EXPECTATIONS, PACKAGE_DIR

#: Packages whose version can change a paper's bytes (numbers, charts, HTML).
PACKAGES = ("pandas", "numpy", "scipy", "pyarrow", "matplotlib", "seaborn", "papermill", "nbconvert",
            "nbformat", "great-expectations", "mistune", "jinja2", "pyyaml")
_CODE_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".j2", ".css", ".csv", ".md"}


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree(root: Path, suffixes: set[str] | None = None) -> str:
    """One digest of every file under root (relative path and content), in path order. Hidden
    files and folders (.cache, .staging, .git) and __pycache__ are skipped."""
    root = Path(root)
    h = hashlib.sha256()
    if not root.exists():
        return h.hexdigest()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if not p.is_file() or any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if suffixes is not None and p.suffix not in suffixes:
            continue
        h.update(str(rel.as_posix()).encode() + b"\0" + file_digest(p).encode() + b"\n")
    return h.hexdigest()


@lru_cache(maxsize=1)
def packages() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


@lru_cache(maxsize=1)
def code() -> str:
    """The library (code, catalogue, templates), the expectation suites, cypp's version and the
    versions of the packages that shape the output."""
    return digest(__version__, tree(PACKAGE_DIR, _CODE_SUFFIXES), tree(EXPECTATIONS), packages())


def digest(*parts) -> str:
    """SHA-256 of the parts, each serialised as canonical JSON (dicts sorted)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, default=str).encode("utf-8") + b"\n")
    return h.hexdigest()
