"""cypp's statistics: one module per statistic family, vectorised over numpy/pandas.

Public API (stable; used by the notebooks and the paper builder):

==========================  ===================================================================
`proportion`                Wilson score intervals (proportions.py)
`rate`, `count`             Byar's intervals, exact Poisson below 10 events (rates.py)
`mean`, `mean_of`           Student's t intervals (means.py)
`benchmark`                 one- and two-level comparison with a benchmark value (benchmark.py)
`compare_intervals`         two uncertain values: overlapping 95% intervals (benchmark.py)
`control_limits`, `spc`     control limits for proportions around a benchmark (benchmark.py)
`aggregate`                 comparator groups: pooled (default), mean or median (aggregate.py)
`change`                    change since the previous period, with significance (change.py)
`recent_trend`              the Fingertips recent-trend test (trend.py)
`quartile_bands`, `rank`    LAIT quartile bands A-D and polarity-aware ranks (ranking.py)
`against_target`            comparison with a plan target (target.py)
`relative_rate`, `gap`      disproportionality and gaps between groups (equity.py)
`linear_projection`         straight-line projection with a prediction interval (projection.py)
==========================  ===================================================================

Conventions: inputs are scalars, arrays or Series; outputs are DataFrames whose columns describe
themselves (`value`, `lower_95`, `upper_95`, `lower_99_8`, `upper_99_8`, `method`, ...). In a
batch, a row that cannot be computed gets missing results and a `reason`; a scalar call with
invalid arguments raises ValueError with that reason. GSS status codes (`status=`) travel beside
values: c, k, x and z rows are not computed, u rows are computed and keep their flag.
Methods and references: ../shared/reference/METHODS.md and each module's docstring.
"""

from cypp_lib.stats._core import LEVELS, STATUS, USABLE, z
from cypp_lib.stats.aggregate import aggregate
from cypp_lib.stats.benchmark import benchmark, compare_intervals, control_limits, spc
from cypp_lib.stats.change import change
from cypp_lib.stats.equity import gap, relative_rate
from cypp_lib.stats.means import mean, mean_of
from cypp_lib.stats.projection import linear_projection
from cypp_lib.stats.proportions import proportion
from cypp_lib.stats.ranking import quartile_bands, quartiles, rank
from cypp_lib.stats.rates import count, rate
from cypp_lib.stats.target import against_target
from cypp_lib.stats.trend import recent_trend

__all__ = [
    "LEVELS", "STATUS", "USABLE", "against_target", "aggregate", "benchmark", "change", "compare_intervals",
    "control_limits", "count", "gap", "linear_projection", "mean", "mean_of", "proportion", "quartile_bands", "quartiles", "rank",
    "rate", "recent_trend", "relative_rate", "spc", "z",
]
