"""Every path the project uses, derived once from the project root.

The project root is the folder holding `pyproject.toml` and `notebooks/`. It can be overridden
with the environment variable CYPP_ROOT (used by tests that work in a temporary copy).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_root() -> Path:
    env = os.environ.get("CYPP_ROOT")
    if env:
        return Path(env).resolve()
    for candidate in (PACKAGE_DIR.parent, Path.cwd()):
        if (candidate / "notebooks").is_dir() and (candidate / "pyproject.toml").is_file():
            return candidate
    return PACKAGE_DIR.parent


ROOT = _find_root()
NOTEBOOKS = ROOT / "notebooks"
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
OUTPUTS = ROOT / "outputs"
#: Where `cypp build --no-suppression` puts internal working papers (never outputs/, which is published).
INTERNAL = ROOT / "internal"
EXPECTATIONS = ROOT / "expectations"
SHARED_PUBLIC = ROOT.parent / "shared" / "data" / "public"

CATALOGUE_FILE = PACKAGE_DIR / "catalogue" / "indicators.yaml"
MANIFEST_FILE = PACKAGE_DIR / "catalogue" / "manifest.yaml"
TEMPLATES = PACKAGE_DIR / "templates"

PROCESSED_TABLE = "indicators.parquet"
PROCESSED_META = "provenance.json"
DEMO_MARKER = ".cypp-demo"
