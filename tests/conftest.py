"""Shared fixtures. Real published data is read from ../shared (never copied); tests that need it
are skipped cleanly when it is absent."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cypp_lib import paths

os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
REFERENCE = paths.ROOT.parent / "shared" / "reference"


needs_real = pytest.mark.skipif(not paths.SHARED_PUBLIC.is_dir(), reason="../shared/data/public absent")
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference absent")


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory) -> Path:
    """A freshly generated demo data set (session-wide; tests must not modify it)."""
    from cypp_lib.demo import generate

    raw = tmp_path_factory.mktemp("demo_raw")
    generate(raw)
    return raw


@pytest.fixture
def demo_copy(demo_raw, tmp_path) -> Path:
    """A private copy of the demo data that a test may corrupt."""
    dst = tmp_path / "raw"
    shutil.copytree(demo_raw, dst)
    return dst


@pytest.fixture(scope="session")
def demo_processed(demo_raw, tmp_path_factory) -> Path:
    from cypp_lib.catalogue import load_catalogue
    from cypp_lib.prepare import prepare, write_processed

    table, prov = prepare(demo_raw, load_catalogue())
    out = tmp_path_factory.mktemp("processed")
    write_processed(table, prov, out)
    return out


@pytest.fixture(scope="session")
def demo_build(demo_raw, tmp_path_factory):
    """One full build of the demo papers for the session (BuildOptions; tests must not modify it)."""
    from cypp_lib.pipeline import BuildOptions, build

    base = tmp_path_factory.mktemp("build")
    opts = BuildOptions(raw_dir=demo_raw, out_dir=base / "out", processed_dir=base / "processed", jobs=2)
    build(opts, log=lambda *a: None)
    return opts


@pytest.fixture(scope="session")
def real_build(tmp_path_factory):
    """One full build from the real files in ../shared/data/public (skipped when absent)."""
    if not paths.SHARED_PUBLIC.is_dir():
        pytest.skip("../shared/data/public absent")
    from cypp_lib.pipeline import BuildOptions, build

    base = tmp_path_factory.mktemp("real_build")
    opts = BuildOptions(raw_dir=paths.SHARED_PUBLIC, out_dir=base / "out", processed_dir=base / "processed", jobs=2)
    build(opts, log=lambda *a: None)
    return opts
