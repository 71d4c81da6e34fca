"""Source adapters: each turns one raw file format into rows of the tidy processed table.

Tidy columns (TIDY_COLUMNS): indicator, area_code, area_name, area_level, la_number, year,
period, numerator, denominator, value, lower_95, upper_95, lower_99_8, upper_99_8, status, source.
`status` is "ok" for a published value, otherwise a GSS symbol (c, k, u, x, z).
"""

from cypp_lib.sources import ees, fingertips, lait, local, nccis, ofsted, smapey
from cypp_lib.sources.common import TIDY_COLUMNS, read_raw_csv

#: Each format's module: to_tidy(df, indicators, registry, label), and where it can say so,
#: area_codes(df, registry) and period_years(df) for validation.
ADAPTER_MODULES = {"lait": lait, "ees": ees, "fingertips": fingertips, "nccis": nccis, "smapey": smapey,
                   "ofsted": ofsted, "local": local}
ADAPTERS = {name: module.to_tidy for name, module in ADAPTER_MODULES.items()}
# EES files carry both LA codes, so they are read first and teach the area registry.
# ofsted files name areas without codes, so they come after ees (LAs learnt by name).
# Local extracts (the borough's own CAMHS, early help and participation records) come last.
ORDER = {"ees": 0, "nccis": 1, "fingertips": 2, "lait": 3, "smapey": 4, "ofsted": 5, "local": 6}

__all__ = ["ADAPTERS", "ADAPTER_MODULES", "ORDER", "TIDY_COLUMNS", "read_raw_csv"]
