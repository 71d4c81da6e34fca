"""Every number a paper states is computed: change the data and the words, the alt text and the
tables change with it. Every chart carries alt text that states the values it shows and a data
table under it."""

import re
import shutil
from html import unescape

import pandas as pd
import pytest

from cypp_lib.report import Paper
from cypp_lib.report.spine import spine_section


def _changed_copy(demo_processed, tmp_path, indicator, year, value):
    copy = tmp_path / "p"
    shutil.copytree(demo_processed, copy)
    t = pd.read_parquet(copy / "indicators.parquet")
    t.loc[(t.indicator == indicator) & (t.area_name == "Lewisham") & (t.year == year), "value"] = value
    t.to_parquet(copy / "indicators.parquet", index=False)
    return copy


def test_summary_section_alt_text_and_spine_follow_the_data(demo_processed, demo_raw, tmp_path):
    before = Paper.open(demo_processed, raw_dir=demo_raw)
    cat = before.catalogue
    ind = cat["take_up_2yo"]
    year = before.year_for(ind.id)
    indicators = cat.for_priority(1)
    old = {"summary": before.summary(indicators).data, "section": before.indicator_section(ind.id).data,
           "spine": spine_section(before, indicators).data}
    # 99.7% is far above England, so the standing against England must flip from worse to better
    after = Paper.open(_changed_copy(demo_processed, tmp_path, ind.id, year, 99.7), raw_dir=demo_raw)
    new = {"summary": after.summary(indicators).data, "section": after.indicator_section(ind.id).data,
           "spine": spine_section(after, indicators).data}
    for part in old:
        assert "99.7%" not in old[part] and "99.7%" in new[part], part
    alts = re.findall(r'alt="([^"]*)"', new["section"])
    assert any("99.7%" in unescape(a) for a in alts)  # the chart description states the new value
    assert before.standing(ind)[0] == "worse" and after.standing(ind)[0] == "better"
    assert "Worse than England (4)" in old["summary"] and "Worse than England (3)" in new["summary"]


@pytest.mark.slow
def test_every_chart_has_alt_text_with_its_values_and_a_data_table_under_it(demo_build):
    pages = sorted(demo_build.out_dir.glob("lewisham-*.html"))
    assert len(pages) == 6
    charts = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for fig in re.finditer(r"<figure><img [^>]*alt=\"([^\"]*)\"[^>]*>.*?</figure>(.{0,200})", html, re.S):
            charts += 1
            alt, after = unescape(fig.group(1)), fig.group(2)
            assert len(alt) > 40 and re.search(r"\d", alt), (page.name, alt[:80])
            assert after.startswith("<details><summary>Data table"), (page.name, alt[:80])
            # a value the alt text states is in the table that follows
            start = fig.end(1)
            table = html[start:html.index("</details>", start)]
            numbers = re.findall(r"\d[\d,]*\.?\d*%?", alt)
            assert any(n in table for n in numbers if len(n) > 1), (page.name, alt[:120])
        assert "No description has been provided" not in html
    assert charts > 50
