"""The priority 4 evidence section: the participation and co-production log, from the processed
provenance, with hand-checked counts, deduplicated "you said, we did" rows, the "fewer than 5"
rule for participant totals, no analyst notes and escaped free text."""

import re
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.errors import ParameterError
from cypp_lib.participation_log import LOG_FILE, PROVENANCE_KEY, PUBLISHED_COLUMNS, records
from cypp_lib.report.participation import log_frame, participation_section, people, section_html, sentences
from cypp_lib.sources.local import LOG_COLUMNS

CAT = load_catalogue()
LEWISHAM = "E09000023"
SECRET = "ANALYST NOTE Jane Doe"

# Hand-made log. 2023-24: two activities (15 people, 1 with a change). 2024-25: four activities
# (54 people; the interview panel twice with identical text, both changed; outcome 12's total is 4).
# One activity in 2025-26 makes 2024-25 complete (the log has moved on past 31 March 2025).
ROWS = [
    ("2023-05-10", "Youth forum", "Youth Service", "Young Advisors", "young people", 12, 11, "More youth clubs", ""),
    ("2023-09-01", "Parent panel", "Early Help", "Parents using family hubs", "parents and carers", 3, 11,
     "The leaflets are full of jargon", "Leaflets rewritten"),
    ("2024-06-12", "Interview panel", "Commissioning", "Leaving Care Young Ambassadors", "young people", 2, 12,
     "Help with a first tenancy", "Tenancy support in the contract"),
    ("2024-07-03", "Interview panel", "Commissioning", "Leaving Care Young Ambassadors", "young people", 2, 12,
     "Help with a first tenancy", "Tenancy support in the contract"),
    ("2024-11-20", "SEND workshop <script>alert(1)</script>", "SEND Service", "Parent & Carer Forum",
     "parents and carers", 20, 13, "Reviews are late <b>", ""),
    ("2025-03-02", "Young Mayor vote", "Youth Service", "Young Mayor and Young Advisors", "young people", 30, 11,
     "Mental-health drop-ins", ""),
    ("2025-04-15", "Youth forum", "Youth Service", "Young Advisors", "young people", 9, 11, "Later opening", ""),
]


def _raw_frame() -> pd.DataFrame:
    """The log as the raw reader gives it: every cell text, with the analyst's notes."""
    return pd.DataFrame([{"area_code": LEWISHAM, "activity_date": d, "activity": a, "service": s,
                          "participants_group": g, "participant_type": t, "participants": str(n), "outcome": str(o),
                          "you_said": said, "we_did": did, "notes": SECRET}
                         for d, a, s, g, t, n, o, said, did in ROWS], columns=LOG_COLUMNS)


def _provenance() -> dict:
    return {"demo": False, "files": [{"file": LOG_FILE}], PROVENANCE_KEY: records(_raw_frame())}


def _paper(provenance=None, period="latest"):
    area = SimpleNamespace(code=LEWISHAM, name="Lewisham")
    return SimpleNamespace(provenance=_provenance() if provenance is None else provenance, area=area,
                           period=period, catalogue=CAT)


def _html(**kw) -> str:
    return participation_section(_paper(), **kw).data


def _text(html: str) -> str:
    """The HTML without tags, for reading sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _table(html: str, caption_start: str) -> pd.DataFrame:
    m = re.search(r"<table><caption[^>]*>" + re.escape(caption_start) + r".*?</table>", html)
    assert m, caption_start
    rows = re.findall(r"<tr>(.*?)</tr>", m.group(0))
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r) for r in rows]
    return pd.DataFrame(cells[1:], columns=cells[0])


# ------------------------------------------------------------------ the records prepare keeps


def test_records_keep_only_published_columns_in_order():
    recs = records(_raw_frame().iloc[::-1])  # order of the file does not matter
    assert [r["activity_date"] for r in recs] == sorted(r[0] for r in ROWS)
    assert all(list(r) == list(PUBLISHED_COLUMNS) for r in recs)
    assert "notes" not in PUBLISHED_COLUMNS and all(SECRET not in str(r) for r in recs)
    assert recs[0]["participants"] == 12 and recs[0]["outcome"] == 11  # whole numbers, not text


# ------------------------------------------------------------------ sentences, by hand


def test_sentences_give_hand_counted_numbers():
    log = log_frame(_provenance()[PROVENANCE_KEY], LEWISHAM)
    s = sentences(log, (11, 12, 13), 2025, True, date(2025, 4, 15), CAT)
    assert s[0].startswith("In 2024-25 the log records 4 activities with 54 participants; in 2023-24, "
                           "2 activities with 15 participants.")
    assert s[1] == "The log runs to 15 April 2025; 1 activity logged so far in 2025-26, an incomplete year, is not counted here."
    assert s[2] == ("By plan outcome in 2024-25: outcome 11 (involvement in decision making), 1 activity with 30 "
                    "participants (2023-24: 2 activities); outcome 12 (co-production informing commissioning), "
                    "2 activities with fewer than 5 participants (2023-24: none); outcome 13 (children with SEND "
                    "and their parents), 1 activity with 20 participants (2023-24: none).")
    assert s[3].startswith('Of the 4 activities in 2024-25, 2 (50%) led to a recorded change ("we did"), '
                           "against 1 of 2 (50%) in 2023-24.")
    assert s[4] == ("In 2024-25 the activities were run by 3 services: Commissioning (2 activities), "
                    "SEND Service (1 activity), Youth Service (1 activity).")


def test_section_text_and_latest_complete_year():
    html = _html()
    assert not re.search(r"<h[1-6]", html)  # callers add the headings
    text = _text(html)
    assert "In 2024-25 the log records 4 activities with 54 participants" in text
    assert "Of the 4 activities in 2024-25, 2 (50%) led to a recorded change" in text


def test_one_outcome_only():
    text = _text(_html(outcome=12))
    assert ("In 2024-25 the log records 2 activities with fewer than 5 participants for outcome 12 "
            "(co-production informing commissioning); in 2023-24, no activities.") in text
    assert "By plan outcome" not in text and "Youth forum" not in text
    with pytest.raises(ParameterError):
        _html(outcome=4)


def test_incomplete_year_is_flagged_with_the_last_date():
    prov = _provenance()
    prov[PROVENANCE_KEY] = [r for r in prov[PROVENANCE_KEY] if r["activity_date"] < "2025-04-01"]
    html = participation_section(_paper(prov, period="2025")).data
    assert "2024-25 is not yet complete: the log runs to 2 March 2025, so these counts may grow." in _text(html)
    assert "incomplete: log to 2 March 2025" in html  # chart data table and captions
    # 'latest' takes the latest complete year: 2023-24 (the log has moved past 31 March 2024)
    latest = _text(participation_section(_paper(prov)).data)
    assert "In 2023-24 the log records 2 activities with 15 participants" in latest


def test_people_rule():
    assert [people(n) for n in (0, 1, 4, 5, 1234)] == ["0", "fewer than 5", "fewer than 5", "5", "1,234"]


# ------------------------------------------------------------------ tables


def test_you_said_we_did_deduplicates_identical_rows():
    t = _table(_html(), "You said, we did")
    assert len(t) == 1
    row = t.iloc[0]
    assert row["Activity"] == "Interview panel"
    assert row["Date"] == "12 June 2024 to 3 July 2024 (2 sessions)"
    assert row["Who took part"] == "Leaving Care Young Ambassadors (young people)"
    assert (row["You said"], row["We did"]) == ("Help with a first tenancy", "Tenancy support in the contract")
    assert "Participants" not in t.columns  # no per-activity participant numbers
    assert "2 activities in 1 row" in _html()


def test_not_yet_acted_on_lists_both_years_without_changes():
    t = _table(_html(), "What we have not yet acted on")
    assert list(t["Activity"]) == ["Youth forum", "SEND workshop &lt;script&gt;alert(1)&lt;/script&gt;",
                                   "Young Mayor vote"]
    assert list(t["Date"]) == ["10 May 2023", "20 November 2024", "2 March 2025"]
    assert "We did" not in t.columns


def test_chart_data_table_and_alt_text():
    html = _html()
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt.endswith("In 2023-24, 2 activities for outcome 11, 0 activities for outcome 12 and 0 activities "
                        "for outcome 13; in 2024-25, 1 activity for outcome 11, 2 activities for outcome 12 and "
                        "1 activity for outcome 13.")
    t = _table(html.replace("<table>", "<table><caption>Data</caption>", 1), "Data")
    row = t[(t["Financial year"] == "2024-25") & t["Plan outcome"].str.startswith("Outcome 12")].iloc[0]
    assert (row["Activities"], row["With a recorded change"], row["Participants (counted per activity)"]) == (
        "2", "2", "fewer than 5")
    total = t[(t["Financial year"] == "2024-25") & (t["Plan outcome"] == "All outcomes")].iloc[0]
    assert (total["Activities"], total["Participants (counted per activity)"]) == ("4", "54")


def test_no_notes_and_free_text_escaped():
    html = _html()
    assert SECRET not in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Reviews are late &lt;b&gt;" in html and "Parent &amp; Carer Forum" in html
    # even records that somehow carry notes are not shown
    prov = _provenance()
    prov[PROVENANCE_KEY] = [{**r, "notes": SECRET} for r in prov[PROVENANCE_KEY]]
    assert SECRET not in participation_section(_paper(prov)).data


def test_deterministic():
    prov = _provenance()
    shuffled = {**prov, PROVENANCE_KEY: prov[PROVENANCE_KEY][::-1]}
    strip = re.compile(r'data:image/png;base64,[^"]+')
    a, b = (strip.sub("", participation_section(_paper(p)).data) for p in (prov, shuffled))
    assert a == b


def test_not_supplied_paragraph():
    html = section_html({"files": [], "missing": [{"file": LOG_FILE, "indicators": ["participation_change"]}]},
                        LEWISHAM)
    assert html.startswith("<p>") and html.count("<p>") == 1
    assert "was not supplied" in html and "docs/local-extracts.md" in html
    assert "<h" not in html


# ------------------------------------------------------------------ through prepare


def test_prepare_puts_the_log_in_the_processed_provenance(demo_processed):
    from cypp_lib.prepare import read_processed
    from cypp_lib.report import Paper

    table, prov = read_processed(demo_processed)
    recs = prov[PROVENANCE_KEY]
    assert len(recs) > 50
    assert all(set(r) == set(PUBLISHED_COLUMNS) for r in recs)  # provenance.json sorts keys
    assert "DEMONSTRATION" not in str(recs)  # the demo's notes say DEMONSTRATION DATA in every row
    # the section agrees with the participation_change indicator for the same year
    paper = Paper.open(demo_processed, catalogue=CAT)
    year = paper.year_for("participation_change")
    row = paper.value("participation_change", year, paper.area.code)
    text = _text(participation_section(paper).data)
    label = row["period"]
    assert f"Of the {int(row['denominator'])} activities in {label}, {int(row['numerator'])} (" in text


def test_prepare_without_the_log_gives_the_not_supplied_paragraph(demo_copy):
    from cypp_lib.prepare import prepare

    (demo_copy / LOG_FILE).unlink()
    table, prov = prepare(demo_copy, CAT)
    assert PROVENANCE_KEY not in prov
    html = participation_section(_paper(prov)).data
    assert "was not supplied" in html and "docs/local-extracts.md" in html
