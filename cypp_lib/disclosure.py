"""Statistical disclosure control: what of the processed table may leave cypp.

Every paper, chart, sentence, alt text, CSV download and `values.csv` is made from the table
`control` returns, never from the processed table itself (which keeps the real counts for the
analyst). Each indicator names a rule in the catalogue (`disclosure_rules:`,
`cypp_lib.catalogue.DisclosureRule`); the method is the Government Statistical Service's
practice for tables about people (GSS/ONS, "Disclosure control guidance for tables produced from
administrative sources", 2014, and the DfE's statistics guidance on suppression and rounding):

1. **Primary suppression.** A cell whose count is in the rule's range (1-4) is shown as `c`:
   for a count its value; for a rate its numerator or denominator; for a percentage its
   numerator, its denominator or, with `complement`, its denominator minus its numerator (3
   children of 40 *not* seen in time identifies them as surely as 3 who were). A zero is shown,
   or hidden when the rule says `zero: suppress`. Everything built on a hidden count goes with
   it: value, numerator, denominator and both intervals.
2. **Secondary suppression.** A breakdown whose groups add up to a total (catalogue
   `breakdowns:` with `total:`) is a set of cells tied by two sums, numerators and denominators.
   A sum with exactly one hidden cell gives that cell away by subtraction, so while any area
   and year has one, the smallest shown group (by denominator, then numerator; the total only
   when no group is left) is hidden too. Cells the publisher suppressed count as hidden.
3. **Rounding.** With `round_to`, counts (a count's value, numerators, denominators) are
   rounded to that base, halves up (`round_half_up`, as dfeR's round_five_up; Python's `round`
   rounds halves to even); rates and percentages keep the values computed from the unrounded
   counts, and a rounded count's interval (which would give the count back) is not shown.
4. Values the publisher suppressed (`c` in DfE files) stay suppressed whatever the rule.

`control(table, catalogue)` returns the table with the column `disclosure` ("" shown,
"publisher", "primary", "secondary", and "rounded" for a shown but rounded count) and a
`Summary` for the appendix: which rule applies to which indicators and how many cells each hid.
`control(..., enabled=False)` is the internal working-paper mode (`cypp build --no-suppression`):
nothing hidden by cypp, and every page says NOT FOR PUBLICATION.

    >>> import pandas as pd
    >>> from cypp_lib.catalogue import load_catalogue
    >>> t = pd.DataFrame({"indicator": ["camhs_referrals"], "area_code": ["E09000023"], "year": [2025],
    ...                   "numerator": [3.0], "denominator": [float("nan")], "value": [3.0], "status": ["ok"]})
    >>> control(t, load_catalogue()).table[["status", "value", "disclosure"]].values.tolist()
    [['c', nan, 'primary']]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cypp_lib.catalogue import Catalogue, DisclosureRule

#: The numbers a hidden cell loses (all of them: any one gives the count back).
NUMBERS = ["numerator", "denominator", "value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"]
INTERVALS = ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]
#: Statuses of a cell that is shown with a value.
SHOWN = ("ok", "u")
REASONS = ("primary", "secondary", "publisher")


def round_half_up(x, base: int):
    """x rounded to the nearest multiple of base, halves up: round_half_up(2.5, 5) == 5,
    round_half_up(12.5, 5) == 15 (a half is exact in binary for whole-number counts)."""
    x = np.asarray(x, dtype=float)
    return np.floor(x / base + 0.5) * base


@dataclass
class Summary:
    """What disclosure control did to a table: the rule of each indicator and every hidden or
    rounded cell (indicator, area_code, year, disclosure)."""

    enabled: bool
    rules: dict[str, DisclosureRule]
    rule_of: dict[str, str]  # indicator id -> rule name
    cells: pd.DataFrame = field(repr=False)

    def counts(self, indicators, area_codes=None) -> dict[str, dict[str, int]]:
        """Per rule used by `indicators`: how many indicators use it and how many cells it hid
        ("primary", "secondary"), the publisher had hidden ("publisher") or rounded ("rounded"),
        in the rows of those indicators (for `area_codes` only, if given)."""
        ids = [i if isinstance(i, str) else i.id for i in indicators]
        ids = [i for i in ids if i in self.rule_of]
        cells = self.cells[self.cells["indicator"].isin(ids)]
        if area_codes is not None:
            cells = cells[cells["area_code"].isin(list(area_codes))]
        out = {}
        for name in dict.fromkeys(self.rule_of[i] for i in ids):
            mine = [i for i in ids if self.rule_of[i] == name]
            c = cells[cells["indicator"].isin(mine)]["disclosure"].value_counts()
            out[name] = {"indicators": len(mine), **{k: int(c.get(k, 0)) for k in (*REASONS, "rounded")}}
        return out


@dataclass
class Controlled:
    table: pd.DataFrame
    summary: Summary


def control(table: pd.DataFrame, catalogue: Catalogue, enabled: bool = True) -> Controlled:
    """The publishable table (see the module docstring) and what was hidden."""
    t = table.copy()
    reason = np.where(t["status"].to_numpy() == "c", "publisher", "").astype(object)
    rule_of = {i.id: i.disclosure for i in catalogue.statistics()}
    rules = catalogue.disclosure_rules
    if enabled:
        kinds = t["indicator"].map({i.id: i.value_type for i in catalogue.statistics()}).to_numpy()
        shown = t["status"].isin(SHOWN).to_numpy()
        under = {name: t["indicator"].isin([i for i, r in rule_of.items() if r == name]).to_numpy() & shown
                 for name, rule in rules.items() if rule.hides}  # rows each rule acts on
        for name, rows in under.items():
            reason[rows & _primary(t, kinds, rules[name])] = "primary"
        _secondary(t, reason, catalogue, rules, rule_of)
        hidden = np.isin(reason, ("primary", "secondary"))
        t.loc[hidden, NUMBERS] = np.nan
        t.loc[hidden, "status"] = "c"
        for name, rows in under.items():
            if rules[name].round_to:
                _round(t, reason, rows & ~hidden, kinds, rules[name].round_to)
    t["disclosure"] = pd.Series(reason, index=t.index, dtype="str")
    cells = t.loc[t["disclosure"] != "", ["indicator", "area_code", "year", "disclosure"]].reset_index(drop=True)
    return Controlled(t, Summary(enabled, dict(rules), rule_of, cells))


def _primary(t: pd.DataFrame, kinds: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    num, den = t["numerator"].to_numpy(dtype=float), t["denominator"].to_numpy(dtype=float)
    num = np.where(kinds == "count", np.where(np.isnan(num), t["value"].to_numpy(dtype=float), num), num)
    checked = [num, den]
    if rule.complement:
        checked.append(np.where(kinds == "proportion", den - num, np.nan))
    small = np.zeros(len(t), dtype=bool)
    if rule.suppress:
        lo, hi = rule.suppress
        for v in checked:
            small |= (v >= lo) & (v <= hi)
    if rule.zero == "suppress":
        small |= num == 0
    return small


def _secondary(t: pd.DataFrame, reason: np.ndarray, catalogue: Catalogue, rules, rule_of) -> None:
    """Hide more cells of the breakdowns with a total until no sum has exactly one hidden cell
    (repeated over all breakdowns, as a cell hidden for one may be part of another)."""
    sums = []  # (row positions of one area and year of a breakdown, the total's indicator)
    for b in catalogue.breakdowns:
        members = [b.total, *b.indicators]
        if b.total is None or not any(rules[rule_of[i]].secondary and rules[rule_of[i]].hides for i in members):
            continue
        pos = np.flatnonzero(t["indicator"].isin(members).to_numpy())
        groups = t.iloc[pos].groupby(["area_code", "year"], sort=False).indices.values()
        sums += [(pos[cell], b.total) for cell in groups if len(cell) > 1]
    if not sums:
        return
    arrays = (t["status"].to_numpy(), t["indicator"].to_numpy(), t["denominator"].to_numpy(dtype=float),
              t["numerator"].to_numpy(dtype=float))
    while any([_protect(reason, cells, total, *arrays) for cells, total in sums]):
        pass


def _protect(reason: np.ndarray, cells: np.ndarray, total: str, status, indicator, den, num) -> bool:
    """When exactly one of `cells` is hidden, hide the smallest shown group too (by denominator,
    then numerator, unknown counts last; the total only when no group is left). True if it did."""
    hidden = [p for p in cells if reason[p] in REASONS]
    candidates = [p for p in cells if reason[p] not in REASONS and status[p] in SHOWN]
    if len(hidden) != 1 or not candidates:
        return False
    groups = [p for p in candidates if indicator[p] != total] or candidates
    reason[min(groups, key=lambda p: (math.inf if math.isnan(den[p]) else den[p],
                                      math.inf if math.isnan(num[p]) else num[p], str(indicator[p])))] = "secondary"
    return True


def _round(t: pd.DataFrame, reason: np.ndarray, rows: np.ndarray, kinds: np.ndarray, base: int) -> None:
    """Round the counts of the shown `rows` (numerators, denominators, a count's value); a rounded
    count loses its interval."""
    for col in ("numerator", "denominator"):
        t.loc[rows, col] = round_half_up(t.loc[rows, col], base)
    counts = rows & (kinds == "count")
    t.loc[counts, "value"] = round_half_up(t.loc[counts, "value"], base)
    t.loc[counts, INTERVALS] = np.nan
    reason[rows & (reason == "")] = "rounded"
