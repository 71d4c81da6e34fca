"""The pages around the papers: the index, the accessibility statement, and the shell that the
validation and revisions pages share with them (same stylesheet, landmarks, skip link and
navigation as the papers, no scripts, no network requests)."""

from __future__ import annotations

import json
from html import escape

from cypp_lib import __version__
from cypp_lib.paths import ROOT, TEMPLATES

DEMO_NOTE = ("Demonstration data: these pages were built from cypp's synthetic demonstration data set. "
             "The numbers are invented and are not official statistics. Do not quote them.")
#: Who readers contact about the papers (no personal names or addresses are invented here).
CONTACT = ("the Children and Young People's Strategic Partnership team at Lewisham Council, through the "
           "council's website or the officer who sent you the paper")


def shell(title: str, body: str, demo: bool = False) -> str:
    """A complete, self-contained page: the papers' CSS, skip link, header navigation, main, footer."""
    css = (TEMPLATES / "cypp" / "paper.css").read_text(encoding="utf-8")
    banner = f'<div class="cypp-banner" role="note"><p>{escape(DEMO_NOTE)}</p></div>' if demo else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cypp {escape(__version__)}">
<title>{escape(title)}</title>
<style>
{css}
</style>
</head>
<body>
<a class="cypp-skip" href="#main">Skip to main content</a>
<header class="cypp-header">
  <nav aria-label="Papers"><ul><li><a href="index.html">All papers</a></li><li><a href="accessibility.html">Accessibility statement</a></li></ul></nav>
</header>
<main id="main">
<h1>{escape(title)}</h1>
{banner}
{body}
</main>
<footer class="cypp-footer">
  <p>Produced by cypp {escape(__version__)} for the Children and Young People's Strategic Partnership.
  <a href="index.html">All papers</a>. <a href="accessibility.html">Accessibility statement</a>.</p>
</footer>
</body>
</html>
"""


def index_html(papers: list[tuple[str, str, str]], provenance: dict, meeting_date: str = "") -> str:
    """papers: (file name, title, one-line description)."""
    items = "".join(f'<li><a href="{escape(f)}">{escape(t)}</a><br><span class="cypp-meta">{escape(d)}</span></li>'
                    for f, t, d in papers)
    meeting = f" for the board meeting of {escape(meeting_date)}" if meeting_date else ""
    body = (f"<p>Needs-analysis papers{meeting} for the Children and Young People's Strategic Partnership Board, "
            f"on the outcomes framework of the Children and Young People's Plan 2019-22.</p>"
            f"<h2>Papers</h2><ul>{items}</ul>"
            "<h2>About these papers</h2><ul>"
            '<li><a href="validation.html">Data validation report</a>: the checks every raw file passed</li>'
            '<li><a href="revisions.html">Revisions</a>: what later deliveries of the data changed</li>'
            '<li><a href="accessibility.html">Accessibility statement</a>: how these pages are made and tested to be '
            "accessible, and how to ask for another format</li></ul>")
    return shell("Children and Young People's Plan 2019-22: board papers", body, bool(provenance.get("demo")))


def axe_version() -> str:
    """The axe-core version the project's accessibility tests pin (tests/a11y/package.json)."""
    try:
        deps = json.loads((ROOT / "tests" / "a11y" / "package.json").read_text(encoding="utf-8"))
        return str(deps.get("dependencies", {}).get("axe-core", "")).lstrip("^~=") or "(version not recorded)"
    except (OSError, ValueError):
        return "(version not recorded)"


def accessibility_html(provenance: dict) -> str:
    """The accessibility statement (after the GOV.UK model statement for public sector websites)."""
    axe = axe_version()
    body = f"""
<p>This statement applies to the board papers in this folder: the needs-analysis overview, the
papers for each priority of the Children and Young People's Plan 2019-22, the annual report, and the
data validation and revisions pages. They are produced by cypp {escape(__version__)} for the Children
and Young People's Strategic Partnership.</p>
<h2>Using these papers</h2>
<p>We want as many people as possible to be able to use these papers. You should be able to:</p>
<ul>
<li>zoom in up to 400% without the text spilling off the screen (wide tables scroll sideways inside their own box)</li>
<li>navigate every page using just a keyboard, starting with a "Skip to main content" link and a table of contents</li>
<li>move through each paper by its headings with a screen reader</li>
<li>hear or read what every chart shows: each chart has a text description that states its values, and
the same numbers in a data table directly under it</li>
<li>download every table as a CSV file to use in a spreadsheet or screen reader of your choice</li>
<li>print a paper for a board pack: navigation is left out and the data tables are printed</li>
</ul>
<p>Colour never carries meaning on its own: chart lines and bars also differ by marker shape, pattern or a
written label, and every comparison is written out in words ("similar to England", "significantly worse
than England").</p>
<h2>How accessible these papers are</h2>
<p>The papers are designed to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA.
Every page of every build is checked automatically with axe-core {escape(axe)} in a headless Chromium
browser against the WCAG 2.0, 2.1 and 2.2 level A and AA rules; the project's tests fail if any page has a
violation, makes a network request, has an image without a text description, or has more or fewer than one
main heading. Automated checks cannot find every problem. We know of these limitations:</p>
<ul>
<li>Charts are images. Their descriptions give the plotted values, but not every visual detail (for example
the exact shading of a confidence interval); the data table under each chart gives the intervals.</li>
<li>Some tables, such as the scorecards, are wide and need horizontal scrolling on small screens.</li>
<li>Text quoted from the partnership's participation log ("you said, we did") is shown as it was recorded.</li>
<li>The papers have not yet been audited by a person using assistive technology.</li>
</ul>
<h2>Feedback, other formats and reporting problems</h2>
<p>If you need a paper in a different format, such as large print, easy read or an accessible document, or
you find a problem not listed here, contact {escape(CONTACT)}. Say which paper and which part of it.</p>
<h2>Enforcement procedure</h2>
<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies
(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we
respond to your complaint, contact the Equality Advisory and Support Service (EASS).</p>
<h2>Technical information</h2>
<p>Each paper is a single HTML file with its stylesheet and charts embedded: it loads nothing from the
internet and runs no scripts. Charts are PNG images drawn with matplotlib and seaborn in a colour-blind-safe
palette. The statement is regenerated with every build, so it always describes the papers beside it.</p>
"""
    return shell("Accessibility statement for the board papers", body, bool(provenance.get("demo")))
