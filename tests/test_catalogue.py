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


def test_every_priority_has_indicators_and_priority_4_is_evidence():
    cat = load_catalogue()
    for p in (1, 2, 3, 4):
        assert cat.for_priority(p)
    assert all(not i.is_statistic for i in cat.for_priority(4))


def _add_colour(entry):
    entry["colour"] = "red"


def _drop_definition(entry):
    del entry["definition"]


def _bad_polarity(entry):
    entry["polarity"] = "up"


@pytest.mark.parametrize("mutate,message", [
    (_add_colour, r"take_up_2yo.*unknown field\(s\) colour"),
    (_drop_definition, r"take_up_2yo.*missing required field\(s\) definition"),
    (_bad_polarity, r"'polarity' is 'up'; expected one of"),
], ids=["unknown field", "missing required field", "bad polarity"])
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
