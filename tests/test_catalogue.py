"""The catalogue loads, covers the plan's 13 outcomes, and rejects malformed entries clearly."""

import copy

import pytest
import yaml

from cypp_lib.catalogue import load_catalogue, parse_catalogue
from cypp_lib.errors import CatalogueError
from cypp_lib.paths import CATALOGUE_FILE

DOC = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


def test_every_outcome_of_the_plan_has_an_entry():
    cat = load_catalogue()
    assert set(cat.outcomes) == set(range(1, 14))
    assert {i.outcome for i in cat if i.outcome} == set(range(1, 14))


def test_every_priority_has_indicators_and_priority_4_is_evidenced_locally():
    cat = load_catalogue()
    for p in (1, 2, 3, 4):
        assert cat.for_priority(p)
    # outcomes 11-13 (being listened to) keep an evidence entry each; no public statistic measures
    # them, so any priority 4 statistic comes from the local participation log
    p4 = cat.for_priority(4)
    assert {i.outcome for i in p4 if not i.is_statistic} == {11, 12, 13}
    assert all(i.source.adapter == "local" for i in p4 if i.is_statistic)


def _add_colour(entry):
    entry["colour"] = "red"


def _drop_definition(entry):
    del entry["definition"]


def _bad_polarity(entry):
    entry["polarity"] = "up"


def _wrong_ci_method(entry):
    entry["ci_method"] = "byars"  # take_up_2yo is a proportion


def _no_disclosure(entry):
    del entry["disclosure"]


def _unknown_disclosure(entry):
    entry["disclosure"] = "secret"


def _no_dataset(entry):
    entry["source"] = {k: v for k, v in entry["source"].items() if k != "dataset"}


@pytest.mark.parametrize("mutate,message", [
    (_add_colour, r"take_up_2yo.*unknown field\(s\) colour"),
    (_drop_definition, r"take_up_2yo.*missing required field\(s\) definition"),
    (_bad_polarity, r"'polarity' is 'up'; expected one of"),
    (_wrong_ci_method, r"take_up_2yo.*'ci_method' is 'byars'; expected 'wilson' for a proportion"),
    (_unknown_disclosure, r"'disclosure' is 'secret'; expected a rule named in disclosure_rules"),
    (_no_dataset, r"take_up_2yo.*source needs a 'dataset'"),
], ids=["unknown field", "missing required field", "bad polarity", "wrong CI method",
        "unknown disclosure rule", "no dataset"])
def test_malformed_entry_is_rejected_with_indicator_and_field_named(mutate, message):
    doc = copy.deepcopy(DOC)
    mutate(doc["indicators"][1])
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(doc)


def test_uncovered_outcome_is_rejected():
    doc = copy.deepcopy(DOC)
    doc["indicators"] = [i for i in doc["indicators"] if i.get("outcome") != 5]
    with pytest.raises(CatalogueError, match=r"outcome\(s\) \[5\] have no indicator"):
        parse_catalogue(doc)


def test_format_uses_unit_and_decimal_places():
    cat = load_catalogue()
    assert cat["ks4_em_94"].format(61.26) == "61.3%"
    assert cat["first_time_entrants"].format(211.4) == "211 per 100,000"
    assert cat["ehcp_count"].format(3696) == "3,696 plans"


def test_gap_must_name_two_comparable_indicators():
    doc = copy.deepcopy(DOC)
    doc["gaps"][0]["reference"] = "no_such_indicator"
    with pytest.raises(CatalogueError, match=r"gap 'disadvantage_gap_a8': reference 'no_such_indicator' is not"):
        parse_catalogue(doc)
    doc = copy.deepcopy(DOC)
    doc["gaps"][0]["reference"] = "ks4_em_94"  # a proportion against a mean
    with pytest.raises(CatalogueError, match="must share value type"):
        parse_catalogue(doc)


def test_every_statistic_has_the_fields_a_board_paper_needs():
    cat = load_catalogue()
    for ind in cat.statistics():
        for name in ("numerator", "denominator", "ci_method", "frequency", "disclosure", "year_type", "definition",
                     "success"):
            assert getattr(ind, name), (ind.id, name)
        assert ind.source.dataset and ind.source.publisher and (ind.source.measure or ind.source.value), ind.id
        assert ind.disclosure in cat.disclosure_rules
    for ind in cat:
        if not ind.is_statistic:  # evidence entries say how the outcome is evidenced, or why no statistic
            assert len(ind.evidence) > 20, ind.id


def test_every_statistic_has_data_in_the_demo_set(demo_processed):
    import pandas as pd

    table = pd.read_parquet(demo_processed / "indicators.parquet")
    ok = table[(table["status"] == "ok") & (table["area_name"] == "Lewisham")]
    missing = [i.id for i in load_catalogue().statistics() if i.id not in set(ok["indicator"])]
    assert not missing, f"no demo data for {missing}"


def test_an_indicator_without_a_disclosure_rule_gets_the_safe_default():
    doc = copy.deepcopy(DOC)
    del doc["indicators"][1]["disclosure"]  # take_up_2yo, published
    cat = parse_catalogue(doc)
    rule = cat.disclosure_rules[cat["take_up_2yo"].disclosure]
    assert rule.name == "small_counts" and rule.suppress == (1, 4) and rule.secondary


@pytest.mark.parametrize("change,message", [
    ({"suppress": [0, 4]}, r"disclosure rule 'small_counts': field 'suppress' is \[0, 4\]; expected \[smallest"),
    ({"suppress": 4}, r"field 'suppress' is 4"),
    ({"zero": "hide"}, r"field 'zero' is 'hide'; expected one of \['show', 'suppress'\]"),
    ({"round_to": 1}, r"field 'round_to' is 1; expected a whole number of 2 or more"),
    ({"threshold": 5}, r"disclosure rule 'small_counts': unknown field\(s\) threshold"),
], ids=["zero in range", "not a range", "bad zero", "round to 1", "unknown field"])
def test_malformed_disclosure_rule_is_rejected(change, message):
    doc = copy.deepcopy(DOC)
    doc["disclosure_rules"]["small_counts"].update(change)
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(doc)


def test_disclosure_rules_say_what_they_do():
    rules = load_catalogue().disclosure_rules
    assert rules["small_counts"].text().startswith("Counts of 1-4, and rates or percentages built on them, are "
                                                   "shown as c")
    assert "rounded to the nearest 5" in rules["small_counts_rounded"].text()
    assert not rules["published"].hides and "stay suppressed" in rules["published"].text()
