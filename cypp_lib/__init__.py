"""cypp_lib: indicator catalogue, data preparation and paper helpers for the Lewisham
Children and Young People's Plan 2019-22 needs analysis.

Heavy dependencies (Great Expectations, papermill, seaborn) are imported only inside the
functions that need them, so that `import cypp_lib` and `cypp --help` stay fast.
"""

from cypp_lib._version import __version__

__all__ = ["__version__"]
