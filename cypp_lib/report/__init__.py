"""What the paper notebooks call: data access for one area and period, significance-aware
sentences, scorecards, charts with generated alt text, and the provenance appendix.

    from cypp_lib.report import Paper
    paper = Paper.open("../data/processed", area="Lewisham")
    paper.indicator_section("ks4_em_94")
"""

from cypp_lib.report.compare import Comparison, compare
from cypp_lib.report.paper import Paper

__all__ = ["Paper", "Comparison", "compare"]
