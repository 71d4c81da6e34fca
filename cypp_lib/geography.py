"""Areas, their codes, and statistical-neighbour sets.

Every area carries both codes used in English children's-services data: the DfE three-digit LA
number (LAIT, older DfE files) and the ONS GSS code (EES, Fingertips). The built-in table holds
England, the regions, Inner/Outer London and the local authorities used by the demonstration
data (all London boroughs, Lewisham's statistical neighbours of every model year, and LAs from
every other region). Any other LA is learnt from the raw files themselves (EES files carry both
codes side by side).

Statistical neighbours come from the DfE model files in the raw folder (`lait/sn_april_2021.csv`,
`lait/sn_may_2025.csv`) and, for the pre-2021 model, `dfe_early_years_2019/combined_long_data_2019.csv`.
Where a file is absent, Lewisham's sets as printed in the plan (../shared/plan) are used.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ENGLAND = "E92000001"
LONDON = "E12000007"
INNER_LONDON = "E13000001"
OUTER_LONDON = "E13000002"
LEWISHAM = "E09000023"


@dataclass(frozen=True)
class Area:
    code: str  # ONS GSS code
    name: str
    la_number: int  # DfE number (England 970, regions 980-990)
    level: str  # "National", "Regional" or "Local authority"
    region: str = ""  # ONS code of the region (E12...), for LAs
    inner_outer: str = ""  # E13000001/2 for London boroughs


AGGREGATES = [
    Area(ENGLAND, "England", 970, "National"),
    Area("E12000001", "North East", 980, "Regional"),
    Area("E12000002", "North West", 981, "Regional"),
    Area("E12000003", "Yorkshire and The Humber", 982, "Regional"),
    Area("E12000004", "East Midlands", 983, "Regional"),
    Area("E12000005", "West Midlands", 984, "Regional"),
    Area("E12000006", "East of England", 985, "Regional"),
    Area(LONDON, "London", 986, "Regional"),
    Area(INNER_LONDON, "Inner London", 987, "Regional"),
    Area(OUTER_LONDON, "Outer London", 988, "Regional"),
    Area("E12000008", "South East", 989, "Regional"),
    Area("E12000009", "South West", 990, "Regional"),
]

# LAIT spells some aggregates differently.
AGGREGATE_ALIASES = {"London (Inner)": INNER_LONDON, "London (Outer)": OUTER_LONDON}

_I, _O = INNER_LONDON, OUTER_LONDON
_LONDON = [
    # name, DfE number, ONS code, inner/outer
    ("City of London", 201, "E09000001", _I), ("Camden", 202, "E09000007", _I),
    ("Greenwich", 203, "E09000011", _O), ("Hackney", 204, "E09000012", _I),
    ("Hammersmith and Fulham", 205, "E09000013", _I), ("Islington", 206, "E09000019", _I),
    ("Kensington and Chelsea", 207, "E09000020", _I), ("Lambeth", 208, "E09000022", _I),
    ("Lewisham", 209, "E09000023", _I), ("Southwark", 210, "E09000028", _I),
    ("Tower Hamlets", 211, "E09000030", _I), ("Wandsworth", 212, "E09000032", _I),
    ("Westminster", 213, "E09000033", _I), ("Barking and Dagenham", 301, "E09000002", _O),
    ("Barnet", 302, "E09000003", _O), ("Bexley", 303, "E09000004", _O),
    ("Brent", 304, "E09000005", _O), ("Bromley", 305, "E09000006", _O),
    ("Croydon", 306, "E09000008", _O), ("Ealing", 307, "E09000009", _O),
    ("Enfield", 308, "E09000010", _O), ("Haringey", 309, "E09000014", _I),
    ("Harrow", 310, "E09000015", _O), ("Havering", 311, "E09000016", _O),
    ("Hillingdon", 312, "E09000017", _O), ("Hounslow", 313, "E09000018", _O),
    ("Kingston upon Thames", 314, "E09000021", _O), ("Merton", 315, "E09000024", _O),
    ("Newham", 316, "E09000025", _I), ("Redbridge", 317, "E09000026", _O),
    ("Richmond upon Thames", 318, "E09000027", _O), ("Sutton", 319, "E09000029", _O),
    ("Waltham Forest", 320, "E09000031", _O),
]
_ELSEWHERE = [
    # name, DfE number, ONS code, region
    ("Newcastle upon Tyne", 391, "E08000021", "E12000001"),
    ("Manchester", 352, "E08000003", "E12000002"), ("Salford", 355, "E08000006", "E12000002"),
    ("Liverpool", 341, "E08000012", "E12000002"), ("Leeds", 383, "E08000035", "E12000003"),
    ("Sheffield", 373, "E08000019", "E12000003"), ("Bradford", 380, "E08000032", "E12000003"),
    ("Nottingham", 892, "E06000018", "E12000004"), ("Leicester", 856, "E06000016", "E12000004"),
    ("Birmingham", 330, "E08000025", "E12000005"), ("Coventry", 331, "E08000026", "E12000005"),
    ("Sandwell", 333, "E08000028", "E12000005"), ("Wolverhampton", 336, "E08000031", "E12000005"),
    ("Luton", 821, "E06000032", "E12000006"), ("Essex", 881, "E10000012", "E12000006"),
    ("Hertfordshire", 919, "E10000015", "E12000006"), ("Norfolk", 926, "E10000020", "E12000006"),
    ("Kent", 886, "E10000016", "E12000008"), ("Surrey", 936, "E10000030", "E12000008"),
    ("Reading", 870, "E06000038", "E12000008"), ("Brighton and Hove", 846, "E06000043", "E12000008"),
    ("Bristol, City of", 801, "E06000023", "E12000009"), ("Cornwall", 908, "E06000052", "E12000009"),
]
BUILTIN_LAS = [Area(c, n, num, "Local authority", LONDON, io) for n, num, c, io in _LONDON] + [
    Area(c, n, num, "Local authority", reg) for n, num, c, reg in _ELSEWHERE
]

# Lewisham's DfE children's-services statistical neighbours, as the plan lists them.
PLAN_NEIGHBOURS = {
    "pre-2021": ["Lambeth", "Croydon", "Haringey", "Hackney", "Waltham Forest", "Southwark",
                 "Enfield", "Brent", "Greenwich", "Islington"],
    "2021": ["Lambeth", "Croydon", "Haringey", "Waltham Forest", "Hackney", "Southwark", "Enfield",
             "Brent", "Greenwich", "Hammersmith and Fulham"],
    "2025": ["Lambeth", "Southwark", "Croydon", "Hammersmith and Fulham", "Greenwich",
             "Waltham Forest", "Haringey", "Barnet", "Leeds", "Salford"],
}
NEIGHBOUR_MODELS = tuple(PLAN_NEIGHBOURS)
SN_FILES = {"2021": "lait/sn_april_2021.csv", "2025": "lait/sn_may_2025.csv"}
SN_PRE2021_FILE = "dfe_early_years_2019/combined_long_data_2019.csv"


# ONS code changes that kept the DfE LA number (boundary changes and new unitary authorities),
# old -> new. Any other second code for a known DfE number is treated as an error in the file.
CODE_CHANGES = {
    "E08000020": "E08000037",  # Gateshead, 2013
    "E06000048": "E06000057",  # Northumberland, 2019
    "E10000002": "E06000060",  # Buckinghamshire, 2020
    "E10000023": "E06000065",  # North Yorkshire, 2023
    "E10000027": "E06000066",  # Somerset, 2023
}


class AreaRegistry:
    """Look-ups between names, ONS codes and DfE numbers; learns new LAs as files are read."""

    def __init__(self, areas=None):
        self.by_code: dict[str, Area] = {}
        self.by_number: dict[int, Area] = {}
        self.by_name: dict[str, Area] = {}
        for a in areas if areas is not None else AGGREGATES + BUILTIN_LAS:
            self.add(a)

    def add(self, area: Area) -> None:
        self.by_code.setdefault(area.code, area)
        self.by_number.setdefault(area.la_number, area)
        self.by_name.setdefault(area.name.casefold(), area)

    def learn(self, number, code, name) -> None:
        """Record an LA seen in a file with both codes (e.g. EES old_la_code/new_la_code)."""
        try:
            num = int(float(number))
        except (TypeError, ValueError):
            return
        if not (code and isinstance(code, str) and code.startswith("E")):
            return
        if num not in self.by_number:
            self.add(Area(code, str(name), num, "Local authority"))
        elif code not in self.by_code and CODE_CHANGES.get(self.by_number[num].code) == code:
            self.by_code[code] = self.by_number[num]  # a known LA under its newer code

    def resolve(self, name_or_code: str) -> Area:
        """Find an area by ONS code, DfE number or name (case-insensitive)."""
        key = str(name_or_code).strip()
        if key in self.by_code:
            return self.by_code[key]
        if key.isdigit() and int(key) in self.by_number:
            return self.by_number[int(key)]
        if key.casefold() in self.by_name:
            return self.by_name[key.casefold()]
        if key in AGGREGATE_ALIASES:
            return self.by_code[AGGREGATE_ALIASES[key]]
        raise KeyError(key)


def neighbours(area: Area, model: str, raw_dir: Path | None, registry: AreaRegistry) -> list[Area]:
    """The ten statistical neighbours of `area` in the given model year, closest first."""
    if model not in NEIGHBOUR_MODELS:
        raise ValueError(f"unknown neighbour model {model!r}: use one of {', '.join(NEIGHBOUR_MODELS)}")
    numbers = _neighbours_from_files(area.la_number, model, raw_dir) if raw_dir else None
    if numbers:
        out = []
        for n in numbers:
            try:
                out.append(registry.resolve(str(n)))
            except KeyError:
                continue
        return out
    if area.code == LEWISHAM:
        return [registry.resolve(n) for n in PLAN_NEIGHBOURS[model]]
    return []


def _neighbours_from_files(la_number: int, model: str, raw_dir: Path) -> list[int] | None:
    if model in SN_FILES:
        path = Path(raw_dir) / SN_FILES[model]
        if not path.is_file():
            return None
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                if str(row.get("la_num", "")).strip() == str(la_number):
                    return [int(row[f"sn{i}"]) for i in range(1, 11) if row.get(f"sn{i}")]
        return None
    path = Path(raw_dir) / SN_PRE2021_FILE
    if not path.is_file():
        return None
    ranked = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if str(row.get("LEA_Number", "")).strip() == str(la_number) and row.get("SN") != "SN00":
                ranked.append((row["SN"], int(row["neighbour"])))
    return [n for _, n in sorted(set(ranked))] or None
