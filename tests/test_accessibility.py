"""Accessibility of the built papers: axe-core (WCAG 2.0/2.1/2.2 A and AA) in Debian's headless chromium,
no external requests (a paper must be self-contained) and our own checks (one <h1>, lang, title, real
alt text on every image, no skipped heading levels). Every .html page of the demo build and of a build
from the real data is audited.

The harness is tests/a11y (node, `make a11y-deps`). Without it these tests skip, unless
CYPP_REQUIRE_A11Y=1 (CI), where they fail.
"""

from __future__ import annotations

import os

import pytest

from tests.a11y_tools import a11y_available, audit, failures, own_check_failures
from tests.conftest import needs_real


def require_harness() -> None:
    reason = a11y_available()
    if reason is None:
        return
    if os.environ.get("CYPP_REQUIRE_A11Y") == "1":
        pytest.fail(f"accessibility harness required (CYPP_REQUIRE_A11Y=1) but unavailable: {reason}")
    pytest.skip(f"accessibility harness unavailable: {reason}")


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n" + "\n".join(f"  - {p}" for p in lines) for page, lines in problems.items() if lines)


@pytest.fixture(scope="module", params=["demo", pytest.param("real", marks=[needs_real, pytest.mark.realdata])])
def audited(request) -> dict[str, dict]:
    """{page relative to the build's out_dir: audit result} for every .html page of one build."""
    require_harness()
    out_dir = request.getfixturevalue(f"{request.param}_build").out_dir
    pages = sorted(out_dir.rglob("*.html"))
    results = audit(pages)
    return {p.relative_to(out_dir).as_posix(): results[os.path.abspath(p)] for p in pages}


@pytest.mark.slow
def test_every_page_was_audited(audited):
    assert "index.html" in audited and len(audited) >= 7, sorted(audited)
    errors = {page: [r["error"]] for page, r in audited.items() if "error" in r}
    if errors:
        pytest.fail("pages that could not be audited:\n" + report(errors), pytrace=False)


@pytest.mark.slow
def test_no_axe_violations(audited):
    problems = {
        page: [
            f"{v['id']} ({v['impact']}): {v['help']} -- {v['nodes']} node(s): {', '.join(v['targets'])}"
            for v in r.get("violations", [])
        ]
        for page, r in audited.items()
    }
    if any(problems.values()):
        pytest.fail("axe-core WCAG A/AA violations:\n" + report(problems), pytrace=False)


@pytest.mark.slow
def test_no_external_requests(audited):
    blocked = {page: r.get("requests_blocked", []) for page, r in audited.items()}
    if any(blocked.values()):
        pytest.fail("papers must be self-contained; blocked external requests:\n" + report(blocked), pytrace=False)


@pytest.mark.slow
def test_own_checks(audited):
    problems = {page: own_check_failures(r.get("own_checks", {})) for page, r in audited.items()}
    if any(problems.values()):
        pytest.fail("own accessibility checks:\n" + report(problems), pytrace=False)


GOOD = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Good</title></head>
<body><main><h1>Good page</h1><h2>Part</h2><h3>Detail</h3>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A chart of nothing"></main></body></html>"""

BAD = """<!DOCTYPE html><html><head><script src="https://example.com/x.js"></script></head>
<body><h2>Part</h2><h4>Skipped a level</h4>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="No description has been provided for this image">
</body></html>"""


def test_audit_reports_a_deliberately_bad_page_and_passes_a_good_one(tmp_path):
    """Proves the checks can fail: missing alt, missing lang, an external script, nbconvert's placeholder."""
    require_harness()
    (tmp_path / "bad.html").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    res = audit([tmp_path / "bad.html", tmp_path / "good.html"])
    bad, good = res[str(tmp_path / "bad.html")], res[str(tmp_path / "good.html")]

    ids = {v["id"] for v in bad["violations"]}
    assert {"image-alt", "html-has-lang", "document-title"} <= ids, ids
    assert bad["requests_blocked"] == ["https://example.com/x.js"]
    own = bad["own_checks"]
    assert own["h1_count"] == 0 and own["lang"] is None and own["title"] == ""
    assert len(own["img_missing_alt"]) == 1 and len(own["img_placeholder_alt"]) == 1
    assert own["heading_skips"] == ['h2 "Part" -> h4 "Skipped a level"']
    assert len(failures(bad)) >= 8

    assert failures(good) == [], failures(good)
    assert good["own_checks"]["h1_count"] == 1 and good["own_checks"]["lang"] == "en-GB"
