"""The chart cache: a chart whose content was drawn before in the build folder is read back, not
drawn again, and gives the same bytes; a chart that differs in anything it shows is drawn anew."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from cypp_lib.report import charts


def _series(value_2024: float) -> dict[str, pd.DataFrame]:
    area = pd.DataFrame({"year": [2022, 2023, 2024], "period": ["2021/22", "2022/23", "2023/24"],
                         "value": [50.0, 52.5, value_2024], "lower_95": [48.0, 50.4, value_2024 - 2],
                         "upper_95": [52.0, 54.6, value_2024 + 2]})
    england = pd.DataFrame({"year": [2022, 2023, 2024], "period": ["2021/22", "2022/23", "2023/24"],
                            "value": [49.0, 49.5, 50.0]})
    return {"Lewisham": area, "England": england}


def _html(value_2024: float) -> str:
    fig, alt, data = charts.trend_chart(_series(value_2024), "Test indicator", "per cent", lambda v: f"{v:.1f}%")
    return charts.figure_html(fig, alt, "Test indicator over time", data)


def test_a_chart_drawn_before_is_read_from_the_cache_with_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv(charts.CHART_CACHE_ENV, str(tmp_path))
    monkeypatch.delenv(charts.CHART_NEW_ENV, raising=False)
    first = _html(53.0)
    assert len(list(tmp_path.glob("*.png"))) == 1

    def no_drawing(*args, **kwargs):
        raise AssertionError("drew a chart that was in the cache")

    monkeypatch.setattr(Figure, "draw", no_drawing)
    assert _html(53.0) == first
    with pytest.raises(AssertionError, match="drew a chart"):
        _html(53.1)  # one value differs: a different chart, drawn anew


def test_without_a_cache_folder_charts_are_drawn_every_time(tmp_path, monkeypatch):
    monkeypatch.delenv(charts.CHART_CACHE_ENV, raising=False)
    monkeypatch.delenv(charts.CHART_NEW_ENV, raising=False)
    assert _html(53.0) == _html(53.0)
    assert list(tmp_path.iterdir()) == []


def test_charts_with_different_formatting_or_labels_have_different_keys():
    keys = set()
    for fmt, title in ((lambda v: f"{v:.1f}%", "A"), (lambda v: f"{v:.0f}%", "A"), (lambda v: f"{v:.1f}%", "B")):
        chart, _, _ = charts.trend_chart(_series(53.0), title, "per cent", fmt)
        keys.add(chart.key)
    assert len(keys) == 3


def test_a_chart_drawn_by_a_build_goes_to_its_own_folder_first(tmp_path, monkeypatch):
    cache, new = tmp_path / "cache", tmp_path / "new"
    cache.mkdir()
    monkeypatch.setenv(charts.CHART_CACHE_ENV, str(cache))
    monkeypatch.setenv(charts.CHART_NEW_ENV, str(new))
    first = _html(53.0)
    assert len(list(new.glob("*.png"))) == 1 and not list(cache.iterdir())  # not in the cache until kept
    png = next(new.glob("*.png"))
    png.rename(cache / png.name)  # what the build does once validation has passed
    monkeypatch.setattr(Figure, "draw", lambda *a, **k: (_ for _ in ()).throw(AssertionError("drew")))
    assert _html(53.0) == first  # read back from the cache once it is there
