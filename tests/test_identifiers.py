"""Personal identifiers: what cypp_lib.identifiers finds (and does not), and validation refusing
them in the published columns of the local extracts without ever showing them."""

from __future__ import annotations

import csv
import json

import pytest

from cypp_lib import identifiers
from cypp_lib.catalogue import load_catalogue
from cypp_lib.validation import load_suite, report_html, validate_raw

LOG = "local/participation_log.csv"
EARLY_HELP = "local/early_help.csv"


def spans(text: str, kinds=None) -> list[tuple[str, str]]:
    return [(kind, text[start:end]) for kind, start, end in identifiers.find(text, kinds)]


# (text, kind, the text it should match): written by hand, one or more per kind
FOUND = [
    ("A123456789012", "UPN", "A123456789012"),
    ("pupil H801200001001 joined", "UPN", "H801200001001"),
    ("temporary B12345678901C", "UPN", "B12345678901C"),
    ("9434765919", "NHS number", "9434765919"),
    ("NHS no 943 476 5919.", "NHS number", "943 476 5919"),
    ("943-476-5918 (checksum wrong, still refused)", "NHS number", "943-476-5918"),
    ("cla,9434765919,2024", "NHS number", "9434765919"),  # a CSV field
    ("lives at SE6 4RU", "postcode", "SE6 4RU"),
    ("se6 4ru", "postcode", "se6 4ru"),
    ("SE64RU", "postcode", "SE64RU"),
    ("EC1A 1BB", "postcode", "EC1A 1BB"),
    ("M1 1AE", "postcode", "M1 1AE"),
    ("DOB 03/05/2012", "date of birth", "DOB 03/05/2012"),
    ("D.O.B.: 3 May 2012", "date of birth", "D.O.B.: 3 May 2012"),
    ("date of birth 2012-05-03", "date of birth", "date of birth 2012-05-03"),
    ("she was born on 3rd May 2012", "date of birth", "born on 3rd May 2012"),
    ("born in May 2012", "date of birth", "born in May 2012"),
    ("seen on 03/05/2012", "full date", "03/05/2012"),
    ("3-5-12", "full date", "3-5-12"),
    ("2012-05-03", "full date", "2012-05-03"),
    ("03.05.2012", "full date", "03.05.2012"),
    ("write to jo.bloggs@example.org today", "email address", "jo.bloggs@example.org"),
    ("J_Smith+cypp@lewisham.gov.uk", "email address", "J_Smith+cypp@lewisham.gov.uk"),
    ("07700 900123", "phone number", "07700 900123"),
    ("call 07700900123", "phone number", "07700900123"),
    ("020 7946 0958", "phone number", "020 7946 0958"),
    ("+44 7700 900123", "phone number", "+44 7700 900123"),
    ("+44 (0)20 7946 0958", "phone number", "+44 (0)20 7946 0958"),
    ("Mr Smith asked", "name", "Mr Smith"),
    ("Mrs O'Brien", "name", "Mrs O'Brien"),
    ("Dr. Adeyemi", "name", "Dr. Adeyemi"),
    ("Mx Taylor", "name", "Mx Taylor"),
    ("Miss Patel", "name", "Miss Patel"),
    ("Name: Jo Bloggs", "name", "Name: Jo"),
    ("child name:jo", "name", "name:jo"),
    ("Oliver Smith said", "name", "Oliver Smith"),
    ("Mohammed Ali", "name", "Mohammed Ali"),
    ("with Sophie McDonald", "name", "Sophie McDonald"),
]


@pytest.mark.parametrize("text,kind,match", FOUND)
def test_find_catches_each_kind(text, kind, match):
    assert (kind, match) in spans(text)


# near-misses: text that must not be taken for an identifier of the kind named
NOT_FOUND = [
    ("E09000023", "UPN"),  # ONS code of Lewisham
    ("A12345678901", "UPN"),  # 12 characters
    ("A1234567890123", "UPN"),  # 14 characters
    ("AB123456789012", "UPN"),  # part of a longer code
    ("123456789", "NHS number"),  # 9 digits
    ("12345678901", "NHS number"),  # 11 digits
    ("a share of 0.1234567890", "NHS number"),  # decimal places
    ("SE6", "postcode"),  # a district, not a full postcode
    ("the SE6 area", "postcode"),
    ("Year 10", "postcode"),
    ("Born in Bradford", "date of birth"),
    ("born 2012", "date of birth"),  # a year alone is not a date of birth
    ("2024-25", "full date"),  # financial year
    ("from 2019-20 to 2024-25", "full date"),
    ("version 3.11.14", "full date"),
    ("13/13/2012", "full date"),  # no 13th month
    ("Years 10/11", "full date"),
    ("@lewishamyouth on social media", "email address"),
    ("0800 1111", "phone number"),  # too short
    ("12345678901234", "phone number"),  # long digit run
    ("2019 2020 2021", "phone number"),
    ("Young Advisors", "name"),
    ("Youth Parliament", "name"),
    ("Young Mayor and Young Advisors", "name"),
    ("Lewisham Youth Parliament", "name"),
    ("Oliver", "name"),  # a given name alone
    ("Victoria Park", "name"),
    ("Elizabeth Line", "name"),
    ("May Half Term", "name"),
    ("Director of Children's Services", "name"),
    ("Miss the bus", "name"),
    ("animation-name: fade", "name"),
]


@pytest.mark.parametrize("text,kind", NOT_FOUND)
def test_find_leaves_near_misses_alone(text, kind):
    assert kind not in {k for k, _ in spans(text)}, spans(text)


def test_plain_text_has_no_identifiers():
    text = ("Children in Care Council meeting with the Director of Children's Services: social workers "
            "change too often. Continuity pledge added in 2024-25 for E09000023 (SE6 and SE13).")
    assert identifiers.find(text) == []


def test_find_reports_positions_in_order_and_can_be_limited_to_kinds():
    text = "Mr Smith, DOB 03/05/2012, A123456789012"
    assert identifiers.find(text) == [("name", 0, 8), ("date of birth", 10, 24), ("full date", 14, 24),
                                      ("UPN", 26, 39)]
    assert identifiers.find(text, ["UPN"]) == [("UPN", 26, 39)]
    with pytest.raises(ValueError, match="unknown identifier kind"):
        identifiers.find(text, ["passport"])


def test_redact_replaces_each_identifier_with_its_kind():
    assert identifiers.redact("Ask Mr Smith on 07700 900123") == "Ask [name] on [phone number]"
    assert identifiers.redact("no identifiers here") == "no identifiers here"


def test_the_demo_log_text_has_no_identifiers():
    from cypp_lib.demo.local import ACTIVITIES

    texts = [t for row in ACTIVITIES for t in row if isinstance(t, str)]
    assert len(texts) > 50
    assert [(t, spans(t)) for t in texts if identifiers.find(t)] == []


@pytest.mark.parametrize("header", ["UPN", " upn ", "NHS_No", "nhs number", "Date of Birth", "date-of-birth",
                                    "DOB", "Postcode", "First Name", "surname", "Child_Name", "pupil name",
                                    "Full name", "forename"])
def test_identifier_headers(header):
    assert identifiers.is_identifier_header(header)


@pytest.mark.parametrize("header", ["la_name", "LA Name", "area_name", "Area Name", "region_name", "school_name",
                                    "Parent Name", "sn1_name", "Indicator Name", "participants_group", "notes",
                                    "Age", "time_period"])
def test_area_and_other_names_are_not_identifier_headers(header):
    assert not identifiers.is_identifier_header(header)


def test_the_suites_check_every_published_text_column_and_not_notes():
    log = load_suite("local_participation_log")["meta"]["published_columns"]
    assert sorted(log) == ["activity", "participants_group", "service", "we_did", "you_said"]
    for name in ("local_camhs_waiting_times", "local_early_help"):
        assert load_suite(name)["meta"]["published_columns"] == ["area_name"]
    from cypp_lib.participation_log import PUBLISHED_COLUMNS

    not_text = {"area_code", "activity_date", "participant_type", "participants", "outcome"}  # checked by format
    assert set(log) == set(PUBLISHED_COLUMNS) - not_text


# validation -----------------------------------------------------------------------------------

PLANTED_NAME = "Thanks to Oliver Smith for the idea"
PLANTED_UPN = "Pupil A123456789012 was consulted"


def _edit(path, edit) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    rows, fields = edit(rows, fields)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def _plant(path, column: str, values: dict[int, str]) -> None:
    """values: {CSV line (header is line 1): text} written into `column`."""
    def edit(rows, fields):
        for line, text in values.items():
            rows[line - 2][column] = text
        return rows, fields
    _edit(path, edit)


def _everything_shown(report) -> str:
    """All that validation prints and publishes."""
    return "\n".join([report.summary(), report_html(report), json.dumps(report.to_json())])


def test_a_name_and_a_upn_in_we_did_are_refused_without_being_shown(demo_copy):
    _plant(demo_copy / LOG, "we_did", {6: PLANTED_NAME, 11: PLANTED_UPN})
    report, _ = validate_raw(demo_copy, load_catalogue())
    assert not report.success
    found = [f for f in report.findings if f.file == LOG]
    assert len(found) == 1, [f.message() for f in report.findings]
    msg = found[0].message()
    assert msg.startswith(f"{LOG}, lines 6, 11, column 'we_did': expected no personal identifiers"), msg
    assert "a personal name (line 6)" in msg and "a UPN (unique pupil number) (line 11)" in msg, msg
    assert "not shown: personal data" in msg
    shown = _everything_shown(report)
    for secret in ("Oliver", "Smith", "A123456789012", PLANTED_NAME, PLANTED_UPN):
        assert secret not in shown


def test_validation_page_does_not_show_the_planted_values(demo_copy):
    _plant(demo_copy / LOG, "you_said", {3: "Call Mrs Okafor on 07700 900123"})
    report, _ = validate_raw(demo_copy, load_catalogue())
    page = report_html(report)
    assert "column &#x27;you_said&#x27;" in page and "line 3" in page and "a phone number (line 3)" in page
    assert "Okafor" not in page and "07700" not in page and "900123" not in page


def test_identifiers_in_notes_pass(demo_copy):
    _plant(demo_copy / LOG, "notes", {6: PLANTED_NAME, 11: PLANTED_UPN})
    report, _ = validate_raw(demo_copy, load_catalogue())
    assert report.success, report.summary()


def test_a_name_in_a_counts_file_area_name_is_refused(demo_copy):
    _plant(demo_copy / EARLY_HELP, "area_name", {4: "Mrs Patel"})
    _plant(demo_copy / EARLY_HELP, "notes", {5: "Mrs Patel checked these"})  # notes: allowed
    report, _ = validate_raw(demo_copy, load_catalogue())
    msgs = [f.message() for f in report.findings]
    assert len(msgs) == 1 and msgs[0].startswith(f"{EARLY_HELP}, line 4, column 'area_name': expected no personal "
                                                 "identifiers"), msgs
    assert "Patel" not in _everything_shown(report)


def test_an_identifier_in_a_duplicated_row_is_not_shown_by_the_duplicate_check(demo_copy):
    def edit(rows, fields):
        rows[2]["activity"] = "Meeting with Mr Jones"
        return rows[:3] + [dict(rows[2])] + rows[3:], fields
    _edit(demo_copy / LOG, edit)
    report, _ = validate_raw(demo_copy, load_catalogue())
    msgs = " | ".join(f.message() for f in report.findings)
    assert "column 'activity'" in msgs and "no duplicated rows" in msgs and "[name]" in msgs, msgs
    assert "Jones" not in _everything_shown(report)


def test_a_column_named_upn_is_refused(demo_copy):
    def edit(rows, fields):
        for r in rows:
            r["UPN"] = "A123456789012"
        return rows, fields + ["UPN"]
    _edit(demo_copy / LOG, edit)
    report, _ = validate_raw(demo_copy, load_catalogue())
    named = [f.message() for f in report.findings if f.check == "identifier column"]
    assert named == [f"{LOG}, line 1, column 'UPN': expected {identifiers_expected()}; found a column headed 'UPN'"]
    assert "A123456789012" not in _everything_shown(report)


def test_an_identifier_column_is_refused_in_a_published_file_too(demo_copy):
    path = demo_copy / "lait/lait_kpi_subset_long.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",Date of Birth"] + [line + "," for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    report, _ = validate_raw(demo_copy, load_catalogue())
    msgs = [f.message() for f in report.findings]
    assert msgs == ["lait/lait_kpi_subset_long.csv, line 1, column 'Date of Birth': expected "
                    f"{identifiers_expected()}; found a column headed 'Date of Birth'"]
    lait = next(c for c in report.checked if c["file"] == "lait/lait_kpi_subset_long.csv")
    assert lait["failed"] == 1


def identifiers_expected() -> str:
    return ("no column that identifies a person (such as UPN, NHS number, date of birth, postcode, forename or "
            "surname): cypp takes aggregate data only; remove the column")
