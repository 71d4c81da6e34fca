"""Whole-pipeline tests (slow): a notebook executes on small fixture data, rendered HTML holds no
code, a full build publishes six papers and an index, and a failed build changes nothing."""

import re

import pytest

from cypp_lib.errors import ValidationFailed
from cypp_lib.pipeline import BuildOptions, build
from cypp_lib.render import PaperSpec, execute_notebook, notebook_to_html

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(demo_build):
    return demo_build, sorted(p for p in demo_build.out_dir.iterdir() if p.is_file())


def test_priority_notebook_executes_on_fixture_data_and_renders_without_code(demo_processed, demo_raw, tmp_path):
    spec = PaperSpec("test-p3", "priority.ipynb", "Test paper",
                     {"priority": 3, "processed_dir": str(demo_processed), "raw_dir": str(demo_raw)})
    nb = execute_notebook(spec, tmp_path)
    html = notebook_to_html(nb)
    # no code cell source: no highlighted code blocks and none of the notebook's code text
    assert '<div class="highlight' not in html
    for code in ("from cypp_lib", "paper.scorecard", "catalogue.for_priority", "neighbour_model ="):
        assert code not in html
    assert html.count("<h1") == 1
    assert "Demonstration data" in html
    assert "No description has been provided" not in html  # every image has real alt text
    assert "GCSE English and maths at grade 4 or above" in html
    # the paper exporter skips nbconvert's BeautifulSoup pass: the same document, parsed
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from cypp_lib.render import paper_exporter

    ours, _ = paper_exporter().from_notebook_node(nb)
    theirs, _ = paper_exporter(HTMLExporter).from_notebook_node(nb)
    assert ours != theirs  # not the same bytes (nbconvert re-serialises), else this proves nothing
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs


def test_build_publishes_six_papers_an_index_and_a_validation_page(built):
    opts, published = built
    names = sorted(p.name for p in published)
    papers = [n for n in names if n.startswith("lewisham-")]
    assert len(papers) == 6
    assert {"index.html", "validation.html", "revisions.html", "accessibility.html", "build.json"} <= set(names)
    index = (opts.out_dir / "index.html").read_text()
    for p in papers:
        assert f'href="{p}"' in index


def test_every_paper_is_self_contained_versioned_and_bannered(built):
    from cypp_lib import __version__

    opts, published = built
    for p in published:
        if not p.name.startswith("lewisham-"):
            continue
        html = p.read_text()
        assert f"cypp {__version__}" in html, p.name
        assert "Demonstration data" in html, p.name
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html), p.name
        assert '<div class="highlight' not in html and "from cypp_lib" not in html, p.name
        assert str(opts.raw_dir) not in html, p.name  # no machine paths published


def test_failed_validation_leaves_previous_outputs_and_processed_data(built, tmp_path):
    import shutil

    opts, published = built
    before = {p: p.read_bytes() for p in published}
    processed_before = (opts.processed_dir / "indicators.parquet").read_bytes()
    bad = tmp_path / "raw"
    shutil.copytree(opts.raw_dir, bad)
    lait = bad / "lait/lait_kpi_subset_long.csv"
    lait.write_text(lait.read_text().replace(",209,", ",2O9,"))
    raw_bytes = lait.read_bytes()
    with pytest.raises(ValidationFailed):
        build(BuildOptions(raw_dir=bad, out_dir=opts.out_dir, processed_dir=opts.processed_dir), log=lambda *a: None)
    assert {p: p.read_bytes() for p in published} == before
    assert (opts.processed_dir / "indicators.parquet").read_bytes() == processed_before
    assert lait.read_bytes() == raw_bytes  # raw data untouched


def test_every_catalogue_entry_is_used_by_a_paper(built):
    import html

    from cypp_lib.catalogue import load_catalogue

    opts, published = built
    text = "".join(p.read_text() for p in published if p.name.startswith("lewisham-"))
    cat = load_catalogue()
    unused = [i.id for i in cat if html.escape(i.name, quote=True) not in text]
    assert not unused, f"catalogue entries in no paper: {unused}"
    for gap in cat.gaps:
        assert html.escape(gap.name, quote=True) in text, gap.id
