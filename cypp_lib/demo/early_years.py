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
# The published header (128 columns); columns the demo does not simulate are "x".
COLUMNS = """
LA_Name LEA_Number LEA_NAME SN concat neighbour LA_Number LA_Code All_Number_GLD_2018_LA
FSM_Number_GLD_2018_LA All_Other_Number_GLD_2018_LA SEN_Number_GLD_2018_LA All_Percent_GLD_2018_LA
FSM_Percent_GLD_2018_LA All_Other_Percent_GLD_2018_LA SEN_Percent_GLD_2018_LA
All_Percent_GLD_2018_National All_Other_Percent_GLD_2018_National FSM_Percent_GLD_2018_National
SEN_Percent_GLD_2018_National Other_Percent_GLD_2018_National All_gap_GLD_2018_LA
FSM_gap_GLD_2018_LA_gap_FSM_Nat_Av FSM_gap_GLD_2018_LA_gap_within_LA All_Other_gap_GLD_2018_LA
FSM_gap_GLD_2018_LA_gap_All_Other_Nat_Av SEN_gap_GLD_2018_LA All_Rank_GLD_2018_LA
FSM_Rank_GLD_2018_LA All_Other_Rank_GLD_2018_LA SEN_Rank_GLD_2018_LA
FSM_gap_Rank_GLD_2018_LA_gap_within_LA FSM_gap_Rank_GLD_2018_LA_gap_FSM_Nat_Av
All_Other_gap_Rank_GLD_2018_LA FSM_gap_Rank_GLD_2018_LA_gap_All_Other_Nat_Av
SEN_gap_Rank_GLD_2018_LA All_SN_Rank_GLD_2018_LA FSM_SN_Rank_GLD_2018_LA
All_Other_SN_Rank_GLD_2018_LA All_SN_gap_Rank_GLD_2018_LA FSM_SN_gap_Rank_GLD_2018_LA
FSM_SN_gap_Rank_GLD_2018_LA_gap_within_LA FSM_SN_gap_Rank_GLD_2018_LA_gap_All_Other_Nat_Av
All_Other_SN_gap_Rank_GLD_2018_LA SEN_SN_Rank_GLD_2018_LA All_Percent_AoL_CL_2018_LA
FSM_Percent_AoL_CL_2018_LA All_Other_Percent_AoL_CL_2018_LA FSM_Percent_AoL_Lit_2018_LA
All_Other_Percent_AoL_Lit_2018_LA All_Percent_AoL_Lit_2018_LA FSM_Percent_AoL_Mat_2018_LA
All_Other_Percent_AoL_Mat_2018_LA All_Percent_AoL_Mat_2018_LA All_Percent_AoL_CL_and_Lit_2018_LA
All_Percent_AoL_CL_2018_National FSM_Percent_AoL_CL_2018_National
All_Other_Percent_AoL_CL_2018_National All_Percent_AoL_Lit_2018_National
FSM_Percent_AoL_Lit_2018_National All_Other_Percent_AoL_Lit_2018_National
All_Percent_AoL_Mat_2018_National FSM_Percent_AoL_Mat_2018_National
All_Other_Percent_AoL_Mat_2018_National All_Percent_AoL_CL_and_Lit_2018_National
FSM_gap_AoL_CL_2018_LA_gap_FSM_Nat_Av All_Other_gap_AoL_CL_2018_LA
FSM_gap_AoL_CL_2018_LA_gap_All_Other_Nat_Av All_gap_AoL_CL_2018_LA
FSM_gap_AoL_CL_2018_LA_gap_within_LA FSM_gap_AoL_Lit_2018_LA_gap_FSM_Nat_Av
FSM_gap_AoL_Lit_2018_LA_gap_All_Other_Nat_Av All_Other_gap_AoL_Lit_2018_LA All_gap_AoL_Lit_2018_LA
FSM_gap_AoL_Lit_2018_LA_gap_within_LA FSM_gap_AoL_Mat_2018_LA_gap_FSM_Nat_Av
FSM_gap_AoL_Mat_2018_LA_gap_All_Other_Nat_Av All_Other_gap_AoL_Mat_2018_LA All_gap_AoL_Mat_2018_LA
FSM_gap_AoL_Mat_2018_LA_gap_within_LA All_gap_AoL_CL_and_Lit_2018_LA FSM_Rank_AoL_CL_2018_LA
All_Other_Rank_AoL_CL_2018_LA All_Rank_AoL_CL_2018_LA FSM_Rank_AoL_Lit_2018_LA
All_Other_Rank_AoL_Lit_2018_LA All_Rank_AoL_Lit_2018_LA FSM_Rank_AoL_Mat_2018_LA
All_Other_Rank_AoL_Mat_2018_LA All_Rank_AoL_Mat_2018_LA All_Rank_AoL_CL_and_Lit_2018_LA
FSM_gap_Rank_AoL_Mat_2018_LAgap_All_Other_Nat_Av FSM_SN_Rank_AoL_CL_2018_LA
All_Other_SN_Rank_AoL_CL_2018_LA All_SN_Rank_AoL_CL_2018_LA
FSM_SN_gap_Rank_AoL_CL_2018_LA_gap_within_LA FSM_SN_gap_Rank_AoL_CL_2018_LAgap_All_Other_Nat_Av
FSM_SN_Rank_AoL_Lit_2018_LA All_Other_SN_Rank_AoL_Lit_2018_LA All_SN_Rank_AoL_Lit_2018_LA
FSM_SN_gap_Rank_AoL_Lit_2018_LA_gap_within_LA FSM_SN_gap_Rank_AoL_Lit_2018_LAgap_All_Other_Nat_Av
FSM_SN_Rank_AoL_Mat_2018_LA All_Other_SN_Rank_AoL_Mat_2018_LA All_SN_Rank_AoL_Mat_2018_LA
FSM_SN_gap_Rank_AoL_Mat_2018_LA_gap_within_LA All_SN_Rank_AoL_CL_and_Lit_2018_LA
two_year_olds_Rank_2018 two_year_olds_SN_Rank_2018 three_and_four_year_olds_number_2018
two_year_olds_number_2018 two_year_olds_Percent_2016 two_year_olds_Percent_2017
two_year_olds_Percent_2018 three_and_four_year_olds_Percent_2016 SEN_SN_Rank_GLD_2018_LA_CoL
SEN_Rank_GLD_2018_LA_CoL SEN_gap_Rank_GLD_2018_LA_CoL two_year_olds_SN_Rank_2019
three_and_four_year_olds_SN_Rank_2019 two_year_olds_number_2019 two_year_olds_Percent_2019
three_and_four_year_olds_number_2019 three_and_four_year_olds_Percent_2017
three_and_four_year_olds_Percent_2018 three_and_four_year_olds_Percent_2019 two_year_olds_Rank_2019
three_and_four_year_olds_Rank_2019
""".split()


def files(areas: list[geo.Area]) -> dict:
    values = {m: demo.measure_values(demo.spec(lait), areas) for m, lait in MEASURES.items()}
    las = [a for a in areas if a.level == "Local authority"]
    rows = []
    for a in las:
        row = {c: "x" for c in COLUMNS} | {"LA_Name": a.name, "LEA_Number": str(a.la_number), "LEA_NAME": a.name, "SN": "SN00",
               "LA_Number": str(a.la_number), "LA_Code": a.code,
                                            "concat": f"{a.name}SN00", "neighbour": str(a.la_number)}
        for m in MEASURES:
            for y in YEARS:
                v = values[m][a.code][y]
                if m.startswith("three") and y >= 2018:
                    v -= 5 + demo._rng("vintage", a.code, y).uniform(0, 1.2)
                row[f"{m}_{y}"] = "c" if a.name == "City of London" else str(int(round(v)))
        rows.append(row)
    rows.append({**rows[-1], "SN": "SN01"})  # the real file repeats LAs, once per neighbour pairing
    return {"dfe_early_years_2019/combined_long_data_2019.csv": (COLUMNS, rows, False)}
