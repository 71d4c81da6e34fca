"""The indicator catalogue: definitions as data (indicators.yaml) with a typed, strict loader.

    >>> from cypp_lib.catalogue import load_catalogue
    >>> cat = load_catalogue()
    >>> cat["ks4_em_94"].name
    'GCSE English and maths at grade 4 or above'

Unknown fields, missing required fields and out-of-range values raise CatalogueError naming
the indicator and the field.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

from cypp_lib import yamlfile
from cypp_lib.catalogue.manifest import RawFile, load_manifest
from cypp_lib.errors import CatalogueError
from cypp_lib.paths import CATALOGUE_FILE

VALUE_TYPES = {"proportion", "rate", "count", "mean", "evidence"}
POLARITIES = {"high", "low", "none"}
YEAR_TYPES = {"academic", "financial", "calendar", "snapshot"}
FREQUENCIES = {"annual", "quarterly", "monthly", "termly"}
#: The interval method each value type uses (when the source gives the counts it needs).
CI_METHODS = {"proportion": "wilson", "rate": "byars", "count": "byars", "mean": "t"}
#: Fields a statistic (not an evidence entry) must have.
STATISTIC_FIELDS = ("numerator", "denominator", "ci_method", "frequency", "year_type")
#: The disclosure rule of a statistic whose entry names none: the safe one.
DEFAULT_DISCLOSURE = "small_counts"
#: What a rule may do with a true zero.
ZERO_HANDLING = {"show", "suppress"}


@dataclass(frozen=True)
class DisclosureRule:
    """A disclosure rule (catalogue `disclosure_rules:`), applied by cypp_lib.disclosure to every
    number that leaves cypp.

    suppress: the smallest and largest count shown as c ([1, 4]), or None when cypp hides
    nothing itself (the publisher's own c stays c whatever the rule). A rate or percentage is
    hidden with its numerator; `complement` also hides a percentage whose denominator minus
    numerator is in the range. `zero`: "show" (a true zero is published) or "suppress".
    `secondary`: protect hidden cells of a breakdown that sums to a total by hiding more cells.
    `round_to`: counts (a count's value, numerators, denominators) rounded to this base, halves
    up (None: not rounded); rates and percentages are computed from the unrounded counts."""

    name: str
    describe: str
    suppress: tuple[int, int] | None = None
    zero: str = "show"
    complement: bool = True
    secondary: bool = True
    round_to: int | None = None

    @property
    def hides(self) -> bool:
        return self.suppress is not None or self.zero == "suppress" or bool(self.round_to)

    def text(self) -> str:
        """The rule in one sentence, for a paper's appendix."""
        if not self.hides:
            return "cypp hides nothing itself; values the publisher suppressed stay suppressed (c)."
        parts = []
        if self.suppress:
            lo, hi = self.suppress
            parts.append(f"counts of {lo}-{hi}, and rates or percentages built on them, are shown as c"
                         + (" (so is a percentage whose denominator minus numerator is "
                            f"{lo}-{hi})" if self.complement else ""))
        if self.zero == "suppress":
            parts.append("zeros are shown as c")
        if self.secondary:
            parts.append("in a breakdown that adds up to a total, further cells are hidden so that no hidden "
                         "cell can be worked out by subtraction")
        if self.round_to:
            parts.append(f"counts are rounded to the nearest {self.round_to}")
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class Source:
    file: str
    publisher: str
    dataset: str = ""
    measure: str | None = None
    filter: dict = field(default_factory=dict)
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None
    # A column giving a group's share of `denominator` in per cent (NCCIS SEND breakdowns): the
    # group's denominator is denominator x cohort_share / 100, rounded to whole people.
    cohort_share: str | None = None
    adapter: str = ""  # the file's format, from manifest.yaml


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    priority: int
    outcome: int | None
    value_type: str
    definition: str
    success: str
    theme: str | None = None
    unit: str = ""
    multiplier: int = 1
    dps: int = 1
    polarity: str = "none"
    year_type: str | None = None
    caveats: str = ""
    target: float | None = None
    evidence: str = ""
    numerator: str = ""  # definition of the numerator (text)
    denominator: str = ""  # definition of the denominator (text)
    ci_method: str = ""
    frequency: str = ""
    disclosure: str = DEFAULT_DISCLOSURE
    source: Source | None = None
    earlier_vintages: tuple[Source, ...] = ()  # earlier deliveries, compared in the revisions report
    valid_range: tuple[float, float] | None = None  # plausible published values; default 0-100 for %

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The range a published value must lie in to pass validation (None: no range check)."""
        if self.valid_range is not None:
            return tuple(self.valid_range)
        return (0, 100) if self.unit == "%" else None

    @property
    def is_statistic(self) -> bool:
        return self.value_type != "evidence"

    def format(self, value) -> str:
        """The value rounded to the indicator's decimal places, with its unit."""
        if value is None or value != value:
            return "no data"
        text = f"{value:,.{self.dps}f}"
        return f"{text}%" if self.unit == "%" else f"{text} {self.unit}".rstrip()


@dataclass(frozen=True)
class Gap:
    """An equity gap: one indicator's value minus another's (e.g. disadvantaged pupils minus others)."""

    id: str
    name: str
    group: str
    reference: str
    why: str
    outcome: int | None = None


@dataclass(frozen=True)
class BreakdownGroup:
    """One group of a breakdown: its label in tables and charts and the indicator giving its value."""

    label: str
    indicator: str
    who: str = ""  # the group in a sentence, after the population: "with an EHC plan"


@dataclass(frozen=True)
class Breakdown:
    """An equity breakdown: one measure for several groups (e.g. NEET or not known by SEND status),
    each compared with a reference group."""

    id: str
    name: str
    reference: str  # the indicator id of the reference group (one of the groups)
    groups: tuple[BreakdownGroup, ...]
    why: str
    outcome: int | None = None
    population: str = ""  # who is counted, for sentences: "16-17 year olds"
    statement: str = ""  # what the value counts, for sentences: "were NEET or their activity was not known"
    # The indicator whose counts are the groups' counts added up (the groups cover everyone, once
    # each), if the data have one: then a cell hidden in one group could be recovered by
    # subtraction, so cypp_lib.disclosure hides more (secondary suppression).
    total: str | None = None

    @property
    def indicators(self) -> list[str]:
        return [g.indicator for g in self.groups]

    @property
    def reference_group(self) -> BreakdownGroup:
        return next(g for g in self.groups if g.indicator == self.reference)


#: Which file formats can rebuild a group's denominator from a `cohort_share` column.
COHORT_SHARE_ADAPTERS = {"nccis"}


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator]
    priorities: dict[int, str]
    outcomes: dict[int, str]
    themes: dict[str, str]
    disclosure_rules: dict[str, DisclosureRule] = field(default_factory=dict)
    gaps: tuple[Gap, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()

    def __getitem__(self, key: str) -> Indicator:
        try:
            return self.indicators[key]
        except KeyError:
            raise KeyError(f"no indicator {key!r} in the catalogue; known: {', '.join(self.indicators)}") from None

    def __iter__(self):
        return iter(self.indicators.values())

    def __len__(self):
        return len(self.indicators)

    def for_priority(self, priority: int) -> list[Indicator]:
        return [i for i in self if i.priority == priority]

    def gaps_for(self, indicators) -> list[Gap]:
        """Equity gaps whose two indicators are both among `indicators`."""
        ids = {i.id for i in indicators}
        return [g for g in self.gaps if g.group in ids and g.reference in ids]

    def breakdowns_for(self, indicators) -> list[Breakdown]:
        """Equity breakdowns whose groups' indicators are all among `indicators`."""
        ids = {i.id for i in indicators}
        return [b for b in self.breakdowns if set(b.indicators) <= ids]

    def statistics(self) -> list[Indicator]:
        return [i for i in self if i.is_statistic]

    def files(self) -> dict[str, list[Indicator]]:
        """Raw files (relative to the raw folder) and the indicators each one feeds."""
        out: dict[str, list[Indicator]] = {}
        for i in self.statistics():
            out.setdefault(i.source.file, []).append(i)
        return out

    def vintage_files(self) -> dict[str, list[Indicator]]:
        """Earlier deliveries: raw files and the indicators (with that file as their source) each
        one gives an earlier vintage of."""
        out: dict[str, list[Indicator]] = {}
        for i in self.statistics():
            for v in i.earlier_vintages:
                out.setdefault(v.file, []).append(replace(i, source=v, earlier_vintages=()))
        return out

    def all_files(self) -> dict[str, str]:
        """Every raw file the catalogue reads (manifest path, may hold '*') and its adapter."""
        return {path: inds[0].source.adapter for path, inds in {**self.vintage_files(), **self.files()}.items()}


def _build(cls, data: dict, where: str):
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(names))}")
    required = {
        f.name for f in fields(cls)
        if f.name not in data and f.default is MISSING and f.default_factory is MISSING
    }
    if required:
        raise CatalogueError(f"{where}: missing required field(s) {', '.join(sorted(required))}")
    return cls(**data)


def _check(ind: Indicator, where: str, priorities, outcomes, themes, rules) -> None:
    def bad(field_name, expected):
        raise CatalogueError(f"{where}: field {field_name!r} is {getattr(ind, field_name)!r}; expected {expected}")

    if ind.value_type not in VALUE_TYPES:
        bad("value_type", f"one of {sorted(VALUE_TYPES)}")
    if ind.priority not in set(priorities) | {0}:
        bad("priority", f"0 (context) or one of {sorted(priorities)}")
    if ind.outcome is not None and ind.outcome not in outcomes:
        bad("outcome", f"null or one of 1-{max(outcomes)}")
    if ind.outcome is None and ind.theme not in themes:
        bad("theme", f"one of {sorted(themes)} when there is no outcome")
    if ind.is_statistic:
        if ind.source is None:
            bad("source", "a source for a statistic")
        if ind.polarity not in POLARITIES:
            bad("polarity", f"one of {sorted(POLARITIES)}")
        if ind.year_type not in YEAR_TYPES:
            bad("year_type", f"one of {sorted(YEAR_TYPES)}")
        if not isinstance(ind.dps, int) or not 0 <= ind.dps <= 3:
            bad("dps", "a whole number 0-3")
        for name in STATISTIC_FIELDS:
            if not getattr(ind, name):
                raise CatalogueError(f"{where}: missing required field {name!r} for a statistic")
        if ind.ci_method != CI_METHODS[ind.value_type]:
            bad("ci_method", f"{CI_METHODS[ind.value_type]!r} for a {ind.value_type}")
        if ind.frequency not in FREQUENCIES:
            bad("frequency", f"one of {sorted(FREQUENCIES)}")
        if ind.disclosure not in rules:
            bad("disclosure", f"a rule named in disclosure_rules ({', '.join(sorted(rules))})")
        if not ind.source.dataset:
            raise CatalogueError(f"{where}: source needs a 'dataset' (the publisher's name for the collection)")
        if ind.target is not None and ind.polarity == "none":
            bad("polarity", "high or low when a target is set")
        if ind.source.cohort_share:
            _check_cohort_share(ind.source, where)
    elif not ind.evidence:
        bad("evidence", "a statement of how the outcome is evidenced")


def _check_cohort_share(src: Source, where: str) -> None:
    share = f"source 'cohort_share' ({src.cohort_share!r}, the group's percentage share of the denominator)"
    if src.adapter not in COHORT_SHARE_ADAPTERS:
        raise CatalogueError(f"{where}: {share} is only read for {', '.join(sorted(COHORT_SHARE_ADAPTERS))} "
                             f"files; {src.file!r} is read by the {src.adapter!r} adapter")
    if not src.denominator:
        raise CatalogueError(f"{where}: {share} needs a 'denominator' column (the whole cohort) to take the share of")
    if not src.value:
        raise CatalogueError(f"{where}: {share} needs a 'value' column (the group's percentage) to rebuild the count")
    if src.numerator:
        raise CatalogueError(f"{where}: {share} cannot be combined with a 'numerator' column "
                             "(the count is rebuilt from 'value' and the group's denominator)")


def parse_catalogue(doc: dict, origin: str = "catalogue", manifest: dict[str, RawFile] | None = None) -> Catalogue:
    """Build a Catalogue from the parsed YAML document, checking every entry."""
    if not isinstance(doc, dict) or "indicators" not in doc:
        raise CatalogueError(f"{origin}: expected a mapping with an 'indicators' list")
    priorities = {int(k): v for k, v in doc.get("priorities", {}).items()}
    outcomes = {int(k): v for k, v in doc.get("outcomes", {}).items()}
    themes = dict(doc.get("themes", {}))
    rules = {name: _rule(name, raw, origin) for name, raw in (doc.get("disclosure_rules") or {}).items()}
    unknown = sorted(set(doc) - {"priorities", "outcomes", "themes", "disclosure_rules", "gaps", "breakdowns",
                                   "indicators"})
    if unknown:
        raise CatalogueError(f"{origin}: unknown top-level section(s) {', '.join(unknown)}")
    indicators: dict[str, Indicator] = {}
    for n, raw in enumerate(doc["indicators"], start=1):
        where = f"{origin}: indicator {raw.get('id', f'#{n}')!r}"
        raw = dict(raw)
        if "source" in raw and raw["source"] is not None:
            raw["source"] = _build(Source, dict(raw["source"]), where + " source")
        ind = _build(Indicator, raw, where)
        if ind.source is not None:
            ind = replace(ind, source=_with_format(ind.source, where, manifest))
        if ind.earlier_vintages:
            ind = replace(ind, earlier_vintages=tuple(
                _with_format(_build(Source, dict(v), where + " earlier vintage"), where, manifest)
                for v in ind.earlier_vintages))
        if ind.id in indicators:
            raise CatalogueError(f"{where}: duplicate id")
        _check(ind, where, priorities, outcomes, themes, rules)
        indicators[ind.id] = ind
    uncovered = sorted(set(outcomes) - {i.outcome for i in indicators.values()})
    if uncovered:
        raise CatalogueError(f"{origin}: outcome(s) {uncovered} have no indicator or evidence entry")
    gaps = tuple(_gap(raw, n, origin, indicators) for n, raw in enumerate(doc.get("gaps") or [], start=1))
    breakdowns = tuple(_breakdown(raw, n, origin, indicators, outcomes)
                       for n, raw in enumerate(doc.get("breakdowns") or [], start=1))
    ids = [b.id for b in breakdowns]
    if len(set(ids)) < len(ids):
        raise CatalogueError(f"{origin}: breakdown {next(i for i in ids if ids.count(i) > 1)!r}: duplicate id")
    return Catalogue(indicators, priorities, outcomes, themes, rules, gaps, breakdowns)


def _rule(name: str, raw, origin: str) -> DisclosureRule:
    where = f"{origin}: disclosure rule {name!r}"
    if not isinstance(raw, dict) or not raw.get("describe"):
        raise CatalogueError(f"{where}: expected a mapping with 'describe' (and suppress, zero, complement, "
                             f"secondary, round_to); found {raw!r}")
    rule = _build(DisclosureRule, {"name": name, **raw}, where)
    s = rule.suppress
    if s is not None:
        if not (isinstance(s, (list, tuple)) and len(s) == 2 and all(isinstance(v, int) for v in s)
                and 1 <= s[0] <= s[1]):
            raise CatalogueError(f"{where}: field 'suppress' is {s!r}; expected [smallest, largest] counts shown "
                                 "as c, whole numbers from 1 (e.g. [1, 4]), or null")
        rule = replace(rule, suppress=(int(s[0]), int(s[1])))
    if rule.zero not in ZERO_HANDLING:
        raise CatalogueError(f"{where}: field 'zero' is {rule.zero!r}; expected one of {sorted(ZERO_HANDLING)}")
    if rule.round_to is not None and not (isinstance(rule.round_to, int) and rule.round_to >= 2):
        raise CatalogueError(f"{where}: field 'round_to' is {rule.round_to!r}; expected a whole number of 2 or "
                             "more (e.g. 5) or null")
    return rule


def _with_format(src: Source, where: str, manifest: dict[str, RawFile] | None) -> Source:
    manifest = load_manifest() if manifest is None else manifest
    if src.file not in manifest:
        raise CatalogueError(f"{where}: source file {src.file!r} is not in manifest.yaml; "
                             f"known: {', '.join(manifest)}")
    return replace(src, adapter=manifest[src.file].adapter)


def _gap(raw: dict, n: int, origin: str, indicators: dict[str, Indicator]) -> Gap:
    where = f"{origin}: gap {raw.get('id', f'#{n}')!r}"
    gap = _build(Gap, dict(raw), where)
    for role in ("group", "reference"):
        ind_id = getattr(gap, role)
        if ind_id not in indicators:
            raise CatalogueError(f"{where}: {role} {ind_id!r} is not an indicator in the catalogue")
    g, r = indicators[gap.group], indicators[gap.reference]
    if (g.value_type, g.unit, g.year_type) != (r.value_type, r.unit, r.year_type):
        raise CatalogueError(f"{where}: {gap.group} and {gap.reference} must share value type, unit and year type")
    return gap


def _breakdown(raw, n: int, origin: str, indicators: dict[str, Indicator], outcomes) -> Breakdown:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{origin}: breakdown #{n}: expected a mapping with id, name, reference, groups and why")
    where = f"{origin}: breakdown {raw.get('id', f'#{n}')!r}"
    raw = dict(raw)
    groups = raw.get("groups")
    if not isinstance(groups, list) or len(groups) < 2:
        raise CatalogueError(f"{where}: 'groups' must be a list of at least two {{label, indicator}} entries")
    built = []
    for k, g in enumerate(groups, start=1):
        if not isinstance(g, dict):
            raise CatalogueError(f"{where}: group #{k} is {g!r}; expected a mapping with 'label' and 'indicator'")
        built.append(_build(BreakdownGroup, dict(g), f"{where} group #{k}"))
    raw["groups"] = tuple(built)
    b = _build(Breakdown, raw, where)
    for g in b.groups:
        if g.indicator not in indicators:
            raise CatalogueError(f"{where}: group {g.label!r}: {g.indicator!r} is not an indicator in the catalogue")
    for what, values in (("label", [g.label for g in b.groups]), ("indicator", b.indicators)):
        if len(set(values)) < len(values):
            raise CatalogueError(f"{where}: each group needs its own {what}; {what}s given: {', '.join(values)}")
    if b.reference not in b.indicators:
        raise CatalogueError(f"{where}: reference {b.reference!r} must be one of the groups' indicators "
                             f"({', '.join(b.indicators)})")
    if b.outcome is not None and b.outcome not in outcomes:
        raise CatalogueError(f"{where}: field 'outcome' is {b.outcome!r}; expected null or one of 1-{max(outcomes)}")
    if b.total is not None:
        if b.total not in indicators:
            raise CatalogueError(f"{where}: total {b.total!r} is not an indicator in the catalogue")
        if b.total in b.indicators:
            raise CatalogueError(f"{where}: total {b.total!r} is the sum of the groups, so it cannot be one of them")
    r = indicators[b.reference]
    for g in (*b.groups, *([BreakdownGroup("total", b.total)] if b.total else [])):
        i = indicators[g.indicator]
        if not i.is_statistic:
            raise CatalogueError(f"{where}: group {g.label!r}: {i.id} is an evidence entry, not a statistic")
        if (i.value_type, i.unit, i.year_type, i.multiplier) != (r.value_type, r.unit, r.year_type, r.multiplier):
            raise CatalogueError(f"{where}: {i.id} and {r.id} must share value type, unit, multiplier and year type")
    return b


@lru_cache(maxsize=4)
def load_catalogue(path: str | Path = CATALOGUE_FILE) -> Catalogue:
    """Load and check the catalogue YAML (cached per path)."""
    path = Path(path)
    try:
        doc = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    except yamlfile.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from None
    return parse_catalogue(doc, origin=str(path.name))
