"""Source adapters: each turns one raw file format into rows of the tidy processed table.

Tidy columns (TIDY_COLUMNS): indicator, area_code, area_name, area_level, la_number, year,
period, numerator, denominator, value, lower_95, upper_95, lower_99_8, upper_99_8, status, source.
`status` is "ok" for a published value, otherwise a GSS symbol (c, k, u, x, z).
"""

from cypp_lib.sources import ees, fingertips, lait
from cypp_lib.sources.common import TIDY_COLUMNS, read_raw_csv

ADAPTERS = {"lait": lait.to_tidy, "ees": ees.to_tidy, "fingertips": fingertips.to_tidy}
# EES files carry both LA codes, so they are read first and teach the area registry.
ORDER = {"ees": 0, "fingertips": 1, "lait": 2}

__all__ = ["ADAPTERS", "ORDER", "TIDY_COLUMNS", "read_raw_csv"]
