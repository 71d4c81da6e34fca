"""Charts become PNG in one drawing, cropped to what is drawn: the same picture matplotlib's
`savefig(bbox_inches="tight")` gives (the reference here), nothing cut off, the same bytes every time."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from cypp_lib.report import charts


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _legend_outside() -> Figure:
    """A line chart as the papers draw them: tick labels left and below, the legend right of the axes."""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    ax.plot([2020, 2021, 2022], [10.0, 12.5, 11.0], marker="o", label="Lewisham, a long legend label")
    ax.plot([2020, 2021, 2022], [11.0, 11.5, 12.0], marker="s", label="England")
    ax.set_ylabel("per cent")
    ax.legend(loc="upper left", bbox_to_anchor=(1.12, 1), frameon=False)
    return fig


def _reference(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", pad_inches=0.1, metadata={"Software": None})
    return buf.getvalue()


def test_the_picture_is_matplotlibs_tight_picture_drawn_once(monkeypatch):
    reference = _pixels(_reference(_legend_outside()))
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), original(self, r))[1])
    ours = _pixels(charts.tight_png(_legend_outside()))
    assert len(draws) == 1  # savefig(bbox_inches="tight") draws twice
    # matplotlib crops to the artists' boxes (text boxes include line spacing), this to the ink:
    # the same picture within a few pixels each way
    assert abs(ours.shape[0] - reference.shape[0]) <= 6 and abs(ours.shape[1] - reference.shape[1]) <= 6
    assert ours.shape[1] > 750  # wider than the 7.5 in figure: the legend outside it is in

    def ink_fraction(px):
        return (px.min(axis=2) < 128).mean()

    assert ink_fraction(ours) * ours.size == pytest.approx(ink_fraction(reference) * reference.size, rel=0.03)


def test_the_crop_keeps_a_tenth_of_an_inch_of_background_round_the_ink():
    px = _pixels(charts.tight_png(_legend_outside()))
    ink = (px != 255).any(axis=2)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    assert (rows[0], cols[0]) == (10, 10)  # 0.1 in at 100 dpi
    assert (px.shape[0] - 1 - rows[-1], px.shape[1] - 1 - cols[-1]) == (10, 10)


def test_something_drawn_far_outside_the_figure_is_not_cut_off(monkeypatch):
    fig, ax = plt.subplots(figsize=(4, 3))  # the axes' right edge is 0.9 x 4 = 3.6 in from the left
    ax.plot([0, 1], [0, 1])
    ax.set_xlim(0, 1)
    ax.annotate("far", (1, 0.5), xytext=(9 * 72, 0), textcoords="offset points")  # 12.6 in: past 4 + 6 in
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), original(self, r))[1])
    px = _pixels(charts.tight_png(fig))
    assert len(draws) == 2  # it reached the first canvas's edge: drawn again with wider margins
    # the tick labels start about 0.3 in from the figure's left edge, "far" ends after 12.6 in
    assert px.shape[1] >= (12.6 - 0.4) * 100


def test_the_same_figure_gives_the_same_bytes():
    assert charts.tight_png(_legend_outside()) == charts.tight_png(_legend_outside())


def test_a_figure_with_a_title_on_the_figure_itself_goes_through_savefig():
    def titled():
        fig = _legend_outside()
        fig.suptitle("A figure-level title")
        return fig

    assert charts.tight_png(titled()) == _reference(titled())


def _annotated_in_figure_points() -> Figure:
    fig = _legend_outside()
    fig.axes[0].annotate("note", (1, 1), xytext=(20, 20), textcoords="figure points")
    return fig


def _text_in_figure_fraction() -> Figure:
    fig = _legend_outside()
    fig.axes[0].text(0.5, 0.02, "source", transform=fig.transFigure)
    return fig


def _legend_anchored_to_the_figure() -> Figure:
    fig = _legend_outside()
    fig.axes[0].legend(loc="upper left", bbox_to_anchor=(0.9, 0.9), bbox_transform=fig.transFigure)
    return fig


@pytest.mark.parametrize("make", [_annotated_in_figure_points, _text_in_figure_fraction, _legend_anchored_to_the_figure])
def test_anything_placed_in_the_figures_own_coordinates_goes_through_savefig(make):
    assert charts.tight_png(make()) == _reference(make())


def test_the_papers_own_placements_are_drawn_once():
    fig = _legend_outside()
    ax = fig.axes[0]
    ax.annotate("c", (2021, 0), xycoords=("data", "axes fraction"), xytext=(0, 4), textcoords="offset points")
    ax.errorbar([2020], [10.0], yerr=[[1.0], [1.0]], fmt="none")
    assert not charts._placed_on_the_figure(fig)


def test_a_figure_reaching_past_even_the_grown_margins_goes_through_savefig():
    def very_far():
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1])
        ax.annotate("very far", (1, 0.5), xytext=(30 * 72, 0), textcoords="offset points")  # 4 x 6 in is 24
        return fig

    assert charts.tight_png(very_far()) == _reference(very_far())


def test_a_figure_that_draws_nothing_is_a_blank_picture_as_savefig_gives_it():
    def blank():
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.set_axis_off()
        return fig

    assert charts.tight_png(blank()) == _reference(blank())
