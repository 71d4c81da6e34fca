"""The page finishing (table of contents, heading ids), tables with CSV downloads, and the pages
around the papers. Expected values are written out by hand."""

import re
from urllib.parse import unquote

import pandas as pd

from cypp_lib.document import TOC_MARKER, finish
from cypp_lib.report.html import csv_text, table
from cypp_lib.site import accessibility_html, index_html, shell

PAGE = ('<main id="main"><h1>Title</h1>' + TOC_MARKER
        + '<h2 id="Summary">Summary<a class="anchor-link" href="#Summary">\u00b6</a></h2>'
        + "<h3>Worse than England (2)</h3><h3>Worse than England (2)</h3>"
        + "<h4>Not in contents</h4><h2>How &amp; why</h2></main>")


def test_contents_nest_h3_under_h2_and_ids_are_unique_and_stable():
    out = finish(PAGE)
    assert "anchor-link" not in out and "\u00b6" not in out  # no pilcrow links read out after headings
    assert '<h3 id="worse-than-england-2">' in out and '<h3 id="worse-than-england-2-2">' in out
    assert '<h2 id="how-why">How &amp; why</h2>' in out
    nav = re.search(r'<nav class="cypp-toc".*?</nav>', out).group(0)
    assert nav.index('href="#Summary"') < nav.index('href="#worse-than-england-2"') < nav.index('href="#how-why"')
    assert "<ol><li><a href=\"#worse-than-england-2\">" in nav  # nested list under Summary
    assert "Not in contents" not in nav  # h4 are not listed
    assert out.index("<nav") > out.index("<h1>")  # contents after the title, where the marker was
    assert finish(PAGE) == out  # deterministic


def test_contents_go_to_the_top_of_main_without_a_marker():
    out = finish('<main id="main"><h2>Only</h2></main>')
    assert out.startswith('<main id="main"><nav class="cypp-toc"')


def test_table_has_caption_scoped_headers_a_labelled_region_and_a_csv_of_the_same_cells():
    df = pd.DataFrame({"Area": ["Lewisham", "England"], "Value": ["55.5%", "c"], "Note": [None, "a, \"b\""]})
    html = table(df, caption="Take-up, 2019", numeric=("Value",))
    rid = re.search(r'aria-labelledby="([^"]+)"', html).group(1)
    assert f'<caption id="{rid}">Take-up, 2019</caption>' in html
    assert '<th scope="col">Area</th>' in html and '<th scope="row">Lewisham</th>' in html
    assert 'tabindex="0"' in html and 'role="region"' in html
    link = re.search(r'href="data:text/csv;charset=utf-8,([^"]+)" download="take-up-2019.csv"', html)
    assert link, html
    text = unquote(link.group(1))
    assert text == '\ufeffArea,Value,Note\r\nLewisham,55.5%,\r\nEngland,c,"a, ""b"""\r\n'
    assert csv_text(df).startswith("Area,Value,Note")


def test_empty_table_has_no_download():
    assert "download=" not in table(pd.DataFrame({"A": []}), caption="Nothing")


def test_site_pages_have_one_h1_lang_landmarks_and_no_scripts_or_remote_assets():
    pages = [shell("A page", "<p>x</p>", demo=True),
             index_html([("p.html", "Paper", "What it is")], {"demo": False}, "12 March 2026"),
             accessibility_html({"demo": True})]
    for page in pages:
        assert page.count("<h1>") == 1 and '<html lang="en-GB">' in page
        assert '<main id="main">' in page and 'href="#main"' in page and "<footer" in page
        assert "<script" not in page and not re.search(r'(src|href)="https?://', page)
        assert 'href="accessibility.html"' in page
    assert "Demonstration data" in pages[0] and "Demonstration data" not in pages[1]
    assert "board meeting of 12 March 2026" in pages[1]
    assert "WCAG" in pages[2] and "Enforcement procedure" in pages[2]


def test_two_tables_whose_captions_begin_alike_download_under_different_names():
    from cypp_lib.report.html import download_name

    a = "CAMHS first appointments within 18 weeks, looked-after children: Lewisham and comparators over time"
    b = "CAMHS first appointments within 18 weeks, looked-after children and others: Lewisham and England, 2023-24"
    assert download_name(a) != download_name(b)
    assert download_name(a).startswith("camhs-first-appointments-within-18-weeks-looked-after")
    assert len(download_name(a)) <= 60 and len(download_name(b)) <= 60
    assert download_name("Scorecard") == "scorecard"  # short captions keep their plain name
