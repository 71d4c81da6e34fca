"""Demo 2019 vintage of the DfE early-years (SMAPEY) dashboard data
(dfe_early_years_2019/combined_long_data_2019.csv): take-up of funded early education.

Like the real file it is wide, one row per (LA, statistical neighbour) pair, percentages as
whole numbers. Its values are the demo's LAIT series rounded, except that 3-4-year-old take-up
for 2018 and 2019 is lower than the later (revised) vintage by about 5-6 points, as it is in
the real publications, so the revisions report has something real to show.
"""

from __future__ import annotations

from cypp_lib import demo
from cypp_lib import geography as geo

YEARS = range(2016, 2020)
MEASURES = {"two_year_olds_Percent": "%_2yr_olds", "three_and_four_year_olds_Percent": "%_3&4yr_olds"}
COLUMNS = ["LA_Name", "LEA_Number", "LEA_NAME", "SN", "LA_Number", "LA_Code"] + [
    f"{m}_{y}" for m in MEASURES for y in YEARS]


def files(areas: list[geo.Area]) -> dict:
    values = {m: demo.measure_values(demo.spec(lait), areas) for m, lait in MEASURES.items()}
    las = [a for a in areas if a.level == "Local authority"]
    rows = []
    for a in las:
        row = {"LA_Name": a.name, "LEA_Number": str(a.la_number), "LEA_NAME": a.name, "SN": "SN00",
               "LA_Number": str(a.la_number), "LA_Code": a.code}
        for m in MEASURES:
            for y in YEARS:
                v = values[m][a.code][y]
                if m.startswith("three") and y >= 2018:
                    v -= 5 + demo._rng("vintage", a.code, y).uniform(0, 1.2)
                row[f"{m}_{y}"] = "c" if a.name == "City of London" else str(int(round(v)))
        rows.append(row)
    rows.append({**rows[-1], "SN": "SN01"})  # the real file repeats LAs, once per neighbour pairing
    return {"dfe_early_years_2019/combined_long_data_2019.csv": (COLUMNS, rows, False)}
