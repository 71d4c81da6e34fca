"""Accessibility harness for the tests and `make a11y`: runs tests/a11y/audit.mjs (axe-core in Debian's
headless chromium via playwright-core) and screenshot.mjs with node. Independent of cypp_lib.

The tools are installed by `make a11y-deps` (npm ci in tests/a11y); no browser is ever downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

A11Y_DIR = Path(__file__).resolve().parent / "a11y"
NODE_MODULES = A11Y_DIR / "node_modules"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
MIN_NODE = 20  # playwright-core 1.65 needs node >= 20 (Debian 12's own nodejs is 18: use NodeSource's 20)
PLACEHOLDER_ALT = "No description has been provided for this image"  # nbconvert's filler for a missing alt


def chromium_path() -> str | None:
    """$CYPP_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH."""
    for candidate in (os.environ.get("CYPP_CHROMIUM"), DEFAULT_CHROMIUM, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def a11y_available() -> str | None:
    """None when the harness can run, else why not."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < MIN_NODE:
        return f"node {version} is too old: the audit needs node >= {MIN_NODE}"
    if chromium_path() is None:
        return f"chromium is not installed (no {DEFAULT_CHROMIUM}; apt-get install chromium)"
    missing = [p for p in ("axe-core", "playwright-core") if not (NODE_MODULES / p / "package.json").is_file()]
    if missing:
        return f"{', '.join(missing)} missing from {NODE_MODULES} (run `make a11y-deps`)"
    return None


def _node(script: str, args: list[str], timeout: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "CYPP_CHROMIUM": chromium_path() or DEFAULT_CHROMIUM, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
    proc = subprocess.run(
        ["node", script, *args], cwd=A11Y_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise RuntimeError(f"node {script} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc


def audit(paths) -> dict:
    """Audit HTML files; {absolute path: {violations, advisory, needs_review, requests_blocked, page_errors,
    own_checks, axe, seconds}} (or {error} for a page that could not be audited)."""
    pages = [os.path.abspath(p) for p in paths]
    if not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="cypp-a11y-") as tmp:
        out = Path(tmp) / "audit.json"
        _node("audit.mjs", ["--json", str(out), *pages], timeout=120 + 30 * len(pages))
        return json.loads(out.read_text(encoding="utf-8"))


def screenshots(paths, outdir) -> list[Path]:
    """Full-page PNGs, 1200 px wide, one per page, into outdir; returns the files written."""
    pages = [os.path.abspath(p) for p in paths]
    if not pages:
        return []
    proc = _node("screenshot.mjs", [os.path.abspath(outdir), *pages], timeout=120 + 30 * len(pages))
    return [Path(line) for line in proc.stdout.splitlines() if line.strip()]


def own_check_failures(own: dict) -> list[str]:
    """Our own checks that axe does not make (or makes only as best practice)."""
    problems = []
    if own.get("h1_count") != 1:
        problems.append(f"{own.get('h1_count')} <h1> elements (must be exactly 1): {own.get('h1_texts')}")
    if not own.get("lang"):
        problems.append("<html> has no lang attribute")
    if not own.get("title"):
        problems.append("empty or missing <title>")
    if own.get("img_missing_alt"):
        problems.append(f"{len(own['img_missing_alt'])} <img> without alt text: {own['img_missing_alt'][:5]}")
    if own.get("img_placeholder_alt"):
        problems.append(
            f"{len(own['img_placeholder_alt'])} <img> with nbconvert's placeholder alt "
            f"{PLACEHOLDER_ALT!r}: {own['img_placeholder_alt'][:5]}"
        )
    for skip in own.get("heading_skips", []):
        problems.append(f"heading level skipped: {skip}")
    return problems


def violation_lines(result: dict) -> list[str]:
    return [
        f"axe {v['id']} ({v['impact']}, {v['nodes']} node{'s' if v['nodes'] != 1 else ''}): {v['help']}; "
        f"targets: {', '.join(v['targets'])}"
        for v in result.get("violations", [])
    ]


def failures(result: dict) -> list[str]:
    """Every failing finding for one audited page, one readable line each."""
    if "error" in result:
        return [f"audit error: {result['error']}"]
    lines = violation_lines(result)
    lines += [f"external request blocked: {url}" for url in result.get("requests_blocked", [])]
    lines += own_check_failures(result.get("own_checks", {}))
    return lines


def advisories(result: dict) -> list[str]:
    """Findings that are reported but do not fail: axe best-practice rules, what axe could not decide
    (needs review) and script errors."""
    lines = [
        f"advisory {v['id']} ({v['impact']}, {v['nodes']}): {v['help']}; targets: {', '.join(v['targets'])}"
        for v in result.get("advisory", [])
    ]
    lines += [
        f"needs review {v['id']} ({v['impact']}, {v['nodes']}): axe could not decide; targets: {', '.join(v['targets'])}"
        for v in result.get("needs_review", [])
    ]
    lines += [f"script error: {e}" for e in result.get("page_errors", [])]
    return lines
