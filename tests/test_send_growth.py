"""SEND growth section: the sentence's numbers against an independent numpy/scipy calculation on the
demo series, the plan's statements taken from PLAN_STATEMENTS, the chart's alt text and data table."""

import html
import re

import numpy as np
import pytest
from scipy.stats import t as student_t

from cypp_lib.report import Paper, send


@pytest.fixture(scope="module")
def paper(demo_processed, demo_raw):
    return Paper.open(demo_processed, raw_dir=demo_raw)


@pytest.fixture(scope="module")
def section(paper):
    return html.unescape(send.send_growth_section(paper, horizon=3).data)


def expected(paper, horizon=3, last_n=5):
    """Independent calculation: numpy polyfit on the last five points, interval by the textbook formula."""
    s = paper.series("ehcp_count")
    s = s[s["status"] == "ok"]
    x, y = s["year"].to_numpy(dtype=float)[-last_n:], s["value"].to_numpy(dtype=float)[-last_n:]
    slope, intercept = np.polyfit(x, y, 1)
    x0 = x[-1] + horizon
    y0 = slope * x0 + intercept
    resid = y - (slope * x + intercept)
    se = np.sqrt((resid**2).sum() / (len(x) - 2))
    half = student_t.ppf(0.975, len(x) - 2) * se * np.sqrt(1 + 1 / len(x) + (x0 - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    return dict(first=(int(x[0]), y[0]), last=(int(x[-1]), y[-1]), slope=slope, year=int(x0), value=y0,
                lower=y0 - half, upper=y0 + half)


def n(v):
    return f"{int(np.floor(round(v, 9) + 0.5)):,}"  # whole number, halves up (values here are positive)


def sentence(section):
    return re.search(r"<p>(There were .*?)</p>", section).group(1)


def test_sentence_numbers_match_an_independent_fit(paper, section):
    e = expected(paper)
    text = sentence(section)
    assert text.startswith(f"There were {n(e['last'][1])} EHC plans for Lewisham in January {e['last'][0]}, "
                           f"up from {n(e['first'][1])} in January {e['first'][0]}: on average about "
                           f"{n(e['slope'])} more a year over the last 5 years")
    assert (f"there would be about {n(e['value'])} (95% prediction interval {n(e['lower'])} to {n(e['upper'])}) "
            f"in January {e['year']}.") in text


def test_plan_statements_come_from_the_constant(paper, section, monkeypatch):
    text = sentence(section)
    assert "The plan stated that there were 2,353 EHC plans in January 2019" in text
    assert "forecast growth of about 290 a year." in text
    monkeypatch.setitem(send.PLAN_STATEMENTS, "ehcp_growth_per_year", 301)
    monkeypatch.setitem(send.PLAN_STATEMENTS, "ehcp_january_2019", 2400)
    changed = sentence(html.unescape(send.send_growth_section(paper).data))
    assert "there were 2,400 EHC plans in January 2019" in changed and "about 301 a year" in changed


def test_alt_text_names_the_projected_year(paper, section):
    e = expected(paper)
    alt = re.search(r'alt="([^"]*)"', section).group(1)
    assert alt.startswith("Line chart of EHC plans for Lewisham")
    assert f"dashed straight-line projection to January {e['year']}" in alt
    assert f"about {n(e['value'])} in January {e['year']}" in alt


def test_data_table_marks_projected_rows(section):
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<details>")[1])
    projected = [r for r in rows if "<td>Projected (straight line)</td>" in r]
    observed = [r for r in rows if "<td>Observed</td>" in r]
    assert len(projected) == 3 and len(observed) >= 3
    assert all(" to " in r for r in projected)
    assert '<th scope="col">Type</th>' in section


def test_caveat_says_it_is_not_a_forecast(section):
    assert "This is a straight-line projection, not a forecast" in section
    assert "not adjusted for policy" in section and "2014 reforms" in section


def test_too_few_points_give_a_reason_not_a_projection(demo_processed, demo_raw):
    early = Paper.open(demo_processed, raw_dir=demo_raw, period="2020")  # two January counts up to 2020
    out = send.send_growth_section(early).data
    assert "No projection is possible" in out and "needs at least 3" in out and "<img" not in out


def test_counts_round_half_up():
    # Python's round() would give 2,352 and 0 (half to even)
    assert send.whole(2352.5) == "2,353" and send.whole(0.5) == "1" and send.whole(1234.4) == "1,234"
    assert send.whole(299.49999999999997) == "300"  # the demo slope is exactly 299.5; a fit may land just below
