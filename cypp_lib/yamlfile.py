"""YAML text to Python, with libyaml's C parser when PyYAML was built with it (PyPI's wheels are):
about ten times faster than the pure-Python parser, which every paper's kernel would otherwise
spend a quarter of a second on for the catalogue. Both are safe loaders and give the same data."""

from __future__ import annotations

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def safe_load(text: str):
    return yaml.load(text, Loader=LOADER)  # noqa: S506 (a safe loader)
