"""Property-based tests (hypothesis) for `cypp_lib.stats`.

`test_stats.py` pins the methods to independent published values at a handful of points; the
tests here check, over thousands of generated inputs, relations that must hold between results
whatever the inputs are. They catch what fixed test vectors miss: a limit that escapes its range
for an extreme count, a polarity wired the wrong way round in one branch, a batch row that
differs from the same row computed alone, an interval that stops narrowing as evidence grows.

Properties (O = numerator, n = denominator, m = multiplier, k = an integer scale factor >= 2):

- proportion (Wilson): 0 <= L99.8 <= L95 <= value <= U95 <= U99.8 <= m (strict inside when
  0 < O < n); O = 0 gives L = 0 and O = n gives U = m exactly; (kO, kn) gives a narrower
  interval than (O, n); the interval of n - O mirrors that of O (L(O) = m - U(n - O)); a batch
  with impossible rows and GSS status codes equals the scalar calls row by row, errors included.
- rate and count (Byar's, exact below 10): 0 <= L99.8 <= L95 <= value < U95 < U99.8; method
  "Exact" exactly when O < 10; (kO, kn) narrower when O >= 10; a count's limits rise strictly
  with each event (also across the exact/Byar's switch); a rate's limits are the count's / n x m;
  batch equals scalar calls.
- mean (t): symmetric about the mean; the 99.8% interval contains the 95% one, strictly when
  sd > 0; narrower as n grows with the same sd.
- benchmark and compare_intervals: "Similar" exactly when the benchmark lies in the 95% interval
  (limits inclusive), and `level` is "99.8%" exactly when it lies outside the 99.8% interval;
  polarity high <-> low swaps Better <-> Worse and keeps Similar; no polarity gives only
  Higher/Lower/Similar, Higher exactly when value > benchmark; on Wilson intervals a 99.8%
  difference is always a 95% one; negating every number and swapping polarity changes nothing;
  swapping the two compared values swaps the labels.
- recent_trend: reversing the time order of the five points keeps chi2 (and robustness and
  significance) and flips direction and label (proportions: chi-squared for trend; rates:
  weighted regression); polarity high <-> low swaps "getting better" <-> "getting worse"; no
  polarity gives plain Increasing/Decreasing.
- rank and quartile_bands: rank equals 1 + the number of strictly better values; rank "high" of x
  equals rank "low" of -x; rank 1 is the best value; bands are A-D only, about a quarter each for
  distinct values, the best value in A and the worst in D, never a worse band for a better rank;
  band letters reverse between polarities; band "high" of x equals band "low" of -x away from
  the quartile boundaries; a value on a quartile falls in the numerically lower quarter (with
  4k + 1 distinct values the lowest quarter holds k + 1); no polarity gives neither.
- relative_rate and gap: swapping group and reference inverts the ratio (limits 1/U, 1/L) or
  negates the gap (limits -U, -L) and swaps Higher <-> Lower; each interval contains its point
  estimate and the 99.8% interval the 95% one; a gap between proportions stays within [-m, m].
- against_target: swapping polarity flips met/not met unless value == target; negating every
  number and swapping polarity changes nothing; "Significantly short of target" exactly when the
  whole interval lies on the wrong side.

Each example calls a function once on a batch of up to 25 rows and checks every row, so the file
runs in a few seconds; set CYPP_PROPERTY_DEPTH=20 (say) to multiply the number of examples for a
deeper search. Floating-point comparisons use relative tolerances of 1e-9 (1e-6 for the
recent-trend regression, whose sums lose digits when weights differ by orders of magnitude).
Hypothesis keeps its example database in `.hypothesis/` (it writes a .gitignore there itself).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cypp_lib.stats import (
    against_target,
    benchmark,
    compare_intervals,
    count,
    gap,
    mean,
    proportion,
    quartile_bands,
    rank,
    rate,
    recent_trend,
    relative_rate,
)

# CYPP_PROPERTY_DEPTH=20 (say) multiplies the examples for a deeper search than the fast default
DEPTH = max(1, int(os.environ.get("CYPP_PROPERTY_DEPTH", "1")))
MANY = settings(max_examples=25 * DEPTH, deadline=None)
FEW = settings(max_examples=10 * DEPTH, deadline=None)  # batch against scalar calls, one by one
TREND = settings(max_examples=8 * DEPTH, deadline=None)  # each example: up to 10 series at once
ROWS = {"min_size": 1, "max_size": 25}

BOTH = (0.95, 0.998)
SUFFIXES = ("95", "99_8")
POLARITIES = st.sampled_from(["high", "low", "none"])
JUDGED = st.sampled_from(["high", "low"])
MULTIPLIERS = st.sampled_from([1, 100, 1000, 10_000, 100_000])
SCALE = st.integers(2, 10)
SWAP_JUDGED = {"Better": "Worse", "Worse": "Better", "Similar": "Similar"}
SWAP_PLAIN = {"Higher": "Lower", "Lower": "Higher", "Similar": "Similar"}
SWAP_ANY = {**SWAP_JUDGED, **SWAP_PLAIN}
OTHER = {"high": "low", "low": "high"}
LIMIT_COLUMNS = ["value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"]


def check(ok, frame=None, what: str = "") -> None:
    """Assert `ok` for every row, naming the rows that fail and showing them from `frame` (a
    DataFrame or a tuple of DataFrames shown side by side)."""
    ok = np.asarray(ok, dtype=bool)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        if isinstance(frame, tuple):
            frame = pd.concat(frame, axis=1, keys=range(len(frame)))
        shown = f"\n{frame.iloc[bad].to_string()}" if frame is not None else ""
        raise AssertionError(f"{what}: fails for rows {bad.tolist()}{shown}")


def near(a, b, rel: float = 1e-9, abs_: float = 0.0) -> np.ndarray:
    return np.isclose(np.asarray(a, float), np.asarray(b, float), rtol=rel, atol=abs_)


def columns(rows):
    """Unzip rows of tuples into one float array per position."""
    return [np.array(c, dtype=float) for c in zip(*rows)]


def no_reason(frame: pd.DataFrame) -> None:
    if "reason" in frame:
        check(frame["reason"] == "", frame, "unexpected reason")


@st.composite
def fraction(draw, max_n: int = 10**7, min_o: int = 0):
    """(O, n) with min_o <= O <= n; the ends O = min_o and O = n are drawn often."""
    n = draw(st.integers(max(1, min_o), max_n))
    o = draw(st.one_of(st.just(min_o), st.just(n), st.integers(min_o, n)))
    return o, n


# counts: either side of the exact/Byar's switch at 10 often, small and large ones too
EVENTS = st.one_of(st.sampled_from([0, 1, 9, 10, 11]), st.integers(0, 30), st.integers(0, 10**6))
DENOMINATORS = st.integers(1, 10**7)


# --------------------------------------------------------------------------- proportion


@MANY
@given(st.lists(fraction(), **ROWS), MULTIPLIERS)
def test_wilson_limits_are_ordered_and_within_0_and_the_multiplier(rows, m):
    o, n = columns(rows)
    r = proportion(o, n, multiplier=m, confidence=BOTH)
    no_reason(r)
    v, l95, u95, l998, u998 = (r[c].to_numpy() for c in LIMIT_COLUMNS)
    tol = 1e-9 * m
    check(near(v, o / n * m, 1e-12), r, "value = O/n x m")
    check(l998 >= 0, r, "0 <= lower 99.8%")
    check(l998 <= l95 + tol, r, "lower 99.8% <= lower 95%")
    check(l95 <= v + tol, r, "lower 95% <= value")
    check(v <= u95 + tol, r, "value <= upper 95%")
    check(u95 <= u998 + tol, r, "upper 95% <= upper 99.8%")
    check(u998 <= m, r, "upper 99.8% <= multiplier")
    inside = (0 < o) & (o < n)
    check(~inside | ((l998 < l95) & (l95 < v) & (v < u95) & (u95 < u998)), r, "strict order for 0 < O < n")


@MANY
@given(st.lists(st.integers(1, 10**7), **ROWS), MULTIPLIERS)
def test_wilson_ends_are_exact(ns, m):
    n = np.array(ns, dtype=float)
    zero = proportion(np.zeros_like(n), n, multiplier=m, confidence=BOTH)
    full = proportion(n, n, multiplier=m, confidence=BOTH)
    check((zero["lower_95"] == 0.0) & (zero["lower_99_8"] == 0.0), zero, "O = 0 gives lower = 0 exactly")
    check(zero["upper_95"] > 0, zero, "O = 0 gives upper > 0")
    check((full["upper_95"] == m) & (full["upper_99_8"] == m), full, "O = n gives upper = m exactly")
    check(full["lower_95"] < m, full, "O = n gives lower < m")


@MANY
@given(st.lists(st.tuples(fraction(max_n=10**6), SCALE), **ROWS), MULTIPLIERS)
def test_wilson_interval_narrows_for_the_same_proportion_with_more_cases(rows, m):
    o, n, k = columns([(o, n, k) for (o, n), k in rows])
    small = proportion(o, n, multiplier=m, confidence=BOTH)
    large = proportion(k * o, k * n, multiplier=m, confidence=BOTH)
    check(near(large["value"], small["value"], 1e-12), large, "same proportion")
    for s in SUFFIXES:
        width_small = small[f"upper_{s}"] - small[f"lower_{s}"]
        width_large = large[f"upper_{s}"] - large[f"lower_{s}"]
        check(width_large < width_small, (small, large), f"narrower at {s}")


@MANY
@given(st.lists(fraction(), **ROWS), MULTIPLIERS)
def test_wilson_interval_of_the_complement_is_the_mirror_image(rows, m):
    o, n = columns(rows)
    r = proportion(o, n, multiplier=m, confidence=BOTH)
    c = proportion(n - o, n, multiplier=m, confidence=BOTH)
    for s in SUFFIXES:
        check(near(r[f"lower_{s}"], m - c[f"upper_{s}"], abs_=1e-9 * m), r, f"L(O) = m - U(n - O) at {s}")
        check(near(r[f"upper_{s}"], m - c[f"lower_{s}"], abs_=1e-9 * m), r, f"U(O) = m - L(n - O) at {s}")


# rows for a batch: mostly valid, some impossible, some suppressed
BATCH_ROW = st.tuples(
    st.one_of(st.integers(0, 1000), st.integers(-2, 10**7), st.just(float("nan"))),
    st.one_of(st.integers(1, 1000), st.integers(-1, 10**7), st.just(float("nan"))),
    st.sampled_from(["ok", "ok", "ok", "u", "c", "k", "x", "z", "?"]),
)


def _assert_batch_equals_scalars(fn, rows, **kwargs):
    o, n, status = ([r[i] for r in rows] for i in range(3))
    batch = fn(o, n, status=status, **kwargs)
    assert len(batch) == len(rows)
    for i, (oi, ni, si) in enumerate(rows):
        got = batch.iloc[i]
        assert got["status"] == si
        try:
            alone = fn(oi, ni, status=si, **kwargs).iloc[0]
        except ValueError as e:
            assert "reason" in batch and got["reason"] == str(e), (i, rows[i])
            assert all(np.isnan(got[c]) for c in LIMIT_COLUMNS), (i, rows[i])
            continue
        assert "reason" not in batch or got["reason"] == "", (i, rows[i])
        assert got["method"] == alone["method"]
        for c in LIMIT_COLUMNS:
            assert got[c] == pytest.approx(alone[c], rel=1e-12, abs=0.0), (c, rows[i])


@FEW
@given(st.lists(BATCH_ROW, min_size=1, max_size=8), MULTIPLIERS)
def test_proportion_batch_equals_scalar_calls_row_by_row(rows, m):
    _assert_batch_equals_scalars(proportion, rows, multiplier=m, confidence=BOTH)


# --------------------------------------------------------------------------- rate / count


@MANY
@given(st.lists(st.tuples(EVENTS, DENOMINATORS), **ROWS), MULTIPLIERS)
def test_rate_limits_are_ordered_and_method_switches_at_10(rows, m):
    o, n = columns(rows)
    r = rate(o, n, multiplier=m, confidence=BOTH)
    no_reason(r)
    v, l95, u95, l998, u998 = (r[c].to_numpy() for c in LIMIT_COLUMNS)
    check(near(v, o / n * m, 1e-12), r, "value = O/n x m")
    check((0 <= l998) & (l998 <= l95) & (l95 <= v * (1 + 1e-9)), r, "0 <= L99.8 <= L95 <= value")
    check((v < u95) & (u95 < u998), r, "value < U95 < U99.8")
    check((o == 0) | ((l998 < l95) & (l95 < v)), r, "strict lower limits for O > 0")
    check((o > 0) | ((l95 == 0) & (l998 == 0)), r, "O = 0 gives lower = 0 exactly")
    check(r["method"].to_numpy() == np.where(o < 10, "Exact", "Byars"), r, "Exact exactly when O < 10")


@MANY
@given(st.lists(st.tuples(st.integers(10, 10**5), st.integers(1, 10**6), SCALE), **ROWS), MULTIPLIERS)
def test_rate_interval_narrows_for_the_same_rate_with_more_events(rows, m):
    o, n, k = columns(rows)
    small = rate(o, n, multiplier=m, confidence=BOTH)
    large = rate(k * o, k * n, multiplier=m, confidence=BOTH)
    check(near(large["value"], small["value"], 1e-12), large, "same rate")
    for s in SUFFIXES:
        width_small = small[f"upper_{s}"] - small[f"lower_{s}"]
        width_large = large[f"upper_{s}"] - large[f"lower_{s}"]
        check(width_large < width_small, (small, large), f"narrower at {s}")


@MANY
@given(st.lists(EVENTS, **ROWS))
def test_count_limits_rise_with_each_event(events):
    o = np.array(events, dtype=float)
    now, more = count(o, confidence=BOTH), count(o + 1, confidence=BOTH)
    for s in SUFFIXES:
        check(more[f"lower_{s}"] > now[f"lower_{s}"], (now, more), f"lower {s} rises")
        check(more[f"upper_{s}"] > now[f"upper_{s}"], (now, more), f"upper {s} rises")


@MANY
@given(st.lists(st.tuples(EVENTS, DENOMINATORS), **ROWS), MULTIPLIERS)
def test_rate_limits_are_the_count_limits_per_denominator(rows, m):
    o, n = columns(rows)
    r = rate(o, n, multiplier=m, confidence=BOTH)
    c = count(o, confidence=BOTH)
    check(c["value"] == o, c, "a count is its own value")
    for col in LIMIT_COLUMNS:
        check(near(r[col], c[col] / n * m), r, f"{col} = count {col} / n x m")


@FEW
@given(st.lists(BATCH_ROW, min_size=1, max_size=8), MULTIPLIERS)
def test_rate_batch_equals_scalar_calls_row_by_row(rows, m):
    _assert_batch_equals_scalars(rate, rows, multiplier=m, confidence=BOTH)


# --------------------------------------------------------------------------- mean

# floats, and small whole numbers so that ties and values a little apart come up often
NUMBERS = st.one_of(st.integers(-20, 20).map(float), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
SDS = st.one_of(st.just(0.0), st.floats(1e-6, 1e4))


@MANY
@given(st.lists(st.tuples(NUMBERS, SDS, st.integers(2, 10**7)), **ROWS))
def test_mean_interval_is_symmetric_and_wider_at_99_8(rows):
    x, sd, n = columns(rows)
    r = mean(x, sd, n, confidence=BOTH)
    check(r["value"] == x, r, "value is the mean")
    for s in SUFFIXES:
        below, above = x - r[f"lower_{s}"], r[f"upper_{s}"] - x
        check((below >= 0) & (above >= 0), r, f"{s} interval around the mean")
        check(near(below, above, abs_=1e-9 * np.maximum(1, np.abs(x))), r, f"{s} interval symmetric")
    l95, u95, l998, u998 = (r[c].to_numpy() for c in LIMIT_COLUMNS[1:])
    check((sd == 0) | ((l998 < l95) & (l95 < x) & (x < u95) & (u95 < u998)), r, "99.8% strictly wider (sd > 0)")
    check((sd > 0) | ((l998 == x) & (u998 == x)), r, "zero width for sd = 0")


@MANY
@given(st.lists(st.tuples(st.floats(1e-3, 1e4), st.integers(2, 10**6), st.integers(1, 10**6)), **ROWS))
def test_mean_interval_narrows_as_n_grows(rows):
    # mean 0, so the widths are not rounded to the mean's precision (the half-width does not
    # depend on the mean; symmetry around any mean is checked above)
    sd, n, more = columns(rows)
    x = np.zeros_like(sd)
    small = mean(x, sd, n, confidence=BOTH)
    large = mean(x, sd, n + more, confidence=BOTH)
    for s in SUFFIXES:
        width_small = small[f"upper_{s}"] - small[f"lower_{s}"]
        width_large = large[f"upper_{s}"] - large[f"lower_{s}"]
        check(width_large < width_small, (small, large), f"narrower at {s}")


# --------------------------------------------------------------------------- benchmark


@st.composite
def benchmarked(draw):
    """(lower_99_8, lower_95, value, upper_95, upper_99_8, benchmark); the benchmark often sits
    exactly on a limit or on the value."""
    lo2, lo, v, up, up2 = sorted(draw(st.lists(NUMBERS, min_size=5, max_size=5)))
    b = draw(st.one_of(st.sampled_from([lo2, lo, v, up, up2]), NUMBERS))
    return lo2, lo, v, up, up2, b


def _compare(rows, polarity, two):
    lo2, lo, v, up, up2, b = columns(rows)
    extra = (lo2, up2) if two else (None, None)
    out = benchmark(v, lo, up, b, polarity, *extra)
    no_reason(out)
    return out


@MANY
@given(st.lists(benchmarked(), **ROWS), st.booleans())
def test_benchmark_labels_follow_polarity(rows, two):
    high, low, none = (_compare(rows, p, two) for p in ("high", "low", "none"))
    _, _, v, _, _, b = columns(rows)
    h, lo, no = (x["comparison"].to_numpy() for x in (high, low, none))
    check(np.isin(h, list(SWAP_JUDGED)), high, "Better/Similar/Worse with polarity")
    check(lo == np.array([SWAP_JUDGED[x] for x in h]), low, "low swaps Better and Worse")
    check(np.isin(no, list(SWAP_PLAIN)), none, "Higher/Similar/Lower without polarity")
    check((high["level"] == low["level"]) & (high["level"] == none["level"]), high, "level ignores polarity")
    check((no == "Similar") | ((no == "Higher") == (v > b)), none, "Higher exactly when value > benchmark")
    check((h == "Similar") | ((h == "Better") == (v > b)), high, "Better exactly when value > benchmark (high)")


@MANY
@given(st.lists(benchmarked(), **ROWS), st.booleans(), POLARITIES)
def test_benchmark_similar_exactly_inside_the_95_interval(rows, two, polarity):
    lo2, lo, v, up, up2, b = columns(rows)
    r = _compare(rows, polarity, two)
    similar = r["comparison"].to_numpy() == "Similar"
    level = r["level"].to_numpy()
    check(similar == ((lo <= b) & (b <= up)), r, "Similar exactly when L95 <= benchmark <= U95")
    check((level == "") == similar, r, "no level exactly when Similar")
    if two:
        check((level == "99.8%") == ((b < lo2) | (b > up2)), r, "99.8% exactly outside the 99.8% interval")
    else:
        check(np.isin(level, ["", "95%"]), r, "one level only")


@MANY
@given(st.lists(st.tuples(fraction(max_n=10**5), st.floats(0, 1)), **ROWS), MULTIPLIERS, POLARITIES)
def test_benchmark_significant_at_99_8_is_significant_at_95_for_wilson_intervals(rows, m, polarity):
    o, n, share = columns([(o, n, s) for (o, n), s in rows])
    p = proportion(o, n, multiplier=m, confidence=BOTH)
    b = share * m
    r = benchmark(p["value"], p["lower_95"], p["upper_95"], b, polarity, p["lower_99_8"], p["upper_99_8"])
    no_reason(r)
    at_998 = r["level"].to_numpy() == "99.8%"
    similar = r["comparison"].to_numpy() == "Similar"
    inside_95 = (p["lower_95"] <= b) & (b <= p["upper_95"])
    check(~at_998 | (~similar & ~inside_95), r, "99.8% significant implies 95% significant")
    check(~similar | (r["level"] == ""), r, "Similar has no level")


@MANY
@given(st.lists(benchmarked(), **ROWS), st.booleans(), JUDGED)
def test_benchmark_unchanged_when_numbers_are_negated_and_polarity_swapped(rows, two, polarity):
    mirrored = [(-up2, -up, -v, -lo, -lo2, -b) for lo2, lo, v, up, up2, b in rows]
    r = _compare(rows, polarity, two)
    s = _compare(mirrored, OTHER[polarity], two)
    check((r["comparison"] == s["comparison"]) & (r["level"] == s["level"]), (r, s),
          "mirror image")


@st.composite
def interval(draw):
    lo, v, up = sorted(draw(st.lists(NUMBERS, min_size=3, max_size=3)))
    return v, lo, up


@MANY
@given(st.lists(st.tuples(interval(), interval()), **ROWS), POLARITIES)
def test_compare_intervals_is_antisymmetric(pairs, polarity):
    v, lo, up = columns([a for a, _ in pairs])
    w, wlo, wup = columns([b for _, b in pairs])
    ab = compare_intervals(v, lo, up, w, wlo, wup, polarity)
    ba = compare_intervals(w, wlo, wup, v, lo, up, polarity)
    check(ba["comparison"].to_numpy() == np.array([SWAP_ANY[x] for x in ab["comparison"]]), ab, "swapped labels")
    overlap = (lo <= wup) & (wlo <= up)
    check((ab["comparison"] == "Similar").to_numpy() == overlap, ab, "Similar exactly when the intervals overlap")


# --------------------------------------------------------------------------- recent trend

T = np.arange(1, 6, dtype=float)
YEARS = np.arange(2015, 2020)
FLIP_TREND = {"Increasing": "Decreasing", "Decreasing": "Increasing",
              "getting better": "getting worse", "getting worse": "getting better"}


def _flip(label: str) -> str:
    if label in ("No significant change", "Cannot be calculated"):
        return label
    return " and ".join(FLIP_TREND[part] for part in label.split(" and "))


def _six_slopes(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least-squares slopes on t: all five points, then each point left out in turn."""
    keeps = [np.ones(5, bool), *(np.arange(5) != i for i in range(5))]
    return np.array([np.polyfit(T[k], y[k], 1, w=np.sqrt(w[k]))[0] for k in keeps])


@st.composite
def proportion_series(draw):
    """One to ten series of five (O, n) points with 0 < O < n (eligible for the trend test)."""
    out = []
    for _ in range(draw(st.integers(1, 10))):
        pts = []
        for _ in range(5):
            n = draw(st.integers(2, 10**6))
            pts.append((draw(st.integers(1, n - 1)), n))
        out.append(pts)
    return out


@st.composite
def rate_series(draw):
    """One to ten series of five crude rates from counts (0 to 2,000 events in 1,000 to 1,000,000)."""
    k = draw(st.integers(1, 10))
    return [[(draw(st.integers(0, 2000)), draw(st.integers(1000, 10**6))) for _ in range(5)] for _ in range(k)]


def _points(series, reverse):
    return [pts[::-1] if reverse else pts for pts in series]


def _proportion_frame(series, reverse=False):
    o, n = columns([p for pts in _points(series, reverse) for p in pts])
    return pd.DataFrame({"series": np.repeat(np.arange(len(series)), 5), "year": np.tile(YEARS, len(series)),
                         "numerator": o, "denominator": n})


def _rate_frame(series, reverse=False):
    o, n = columns([p for pts in _points(series, reverse) for p in pts])
    r = rate(o, n)
    return pd.DataFrame({"series": np.repeat(np.arange(len(series)), 5), "year": np.tile(YEARS, len(series)),
                         "value": r["value"], "lower_95": r["lower_95"], "upper_95": r["upper_95"]})


def _degenerate(y: np.ndarray, w: np.ndarray, rel: float) -> bool:
    """True when a robustness slope is zero to rounding (its sign, and so `robust`, is then noise)."""
    return bool(np.any(np.abs(_six_slopes(y, w)) <= rel * (1 + np.abs(y).max())))


@TREND
@given(proportion_series(), POLARITIES)
def test_proportion_trend_reversed_in_time_flips_direction_and_keeps_chi2(series, polarity):
    fwd = recent_trend(_proportion_frame(series), "proportion", polarity, by="series")
    rev = recent_trend(_proportion_frame(series, reverse=True), "proportion", polarity, by="series")
    assert list(fwd["series"]) == list(rev["series"]) == list(range(len(series)))
    assert (fwd["reason"] == "").all() and (rev["reason"] == "").all()
    for i, pts in enumerate(series):
        f, r = fwd.iloc[i], rev.iloc[i]
        assert r["chi2"] == pytest.approx(f["chi2"], rel=1e-9, abs=1e-12)
        assert r["direction"] == -f["direction"]
        o, n = columns(pts)
        if _degenerate(np.log(o / (n - o)), np.ones(5), 1e-9):
            continue
        assert r["robust"] == f["robust"]
        assert r["significant"] == f["significant"]
        assert r["trend"] == _flip(f["trend"])


@TREND
@given(rate_series(), POLARITIES)
def test_rate_trend_reversed_in_time_flips_direction_and_keeps_chi2(series, polarity):
    frame = _rate_frame(series)
    fwd = recent_trend(frame, "rate", polarity, by="series")
    rev = recent_trend(_rate_frame(series, reverse=True), "rate", polarity, by="series")
    assert (fwd["reason"] == "").all() and (rev["reason"] == "").all()
    for i in range(len(series)):
        f, r = fwd.iloc[i], rev.iloc[i]
        assert r["chi2"] == pytest.approx(f["chi2"], rel=1e-6, abs=1e-9)
        part = frame[frame["series"] == i]
        y = part["value"].to_numpy()
        w = 1 / ((part["upper_95"] - part["lower_95"]).to_numpy() / 3.92) ** 2
        if _degenerate(y, w, 1e-6):
            continue
        assert r["direction"] == -f["direction"]
        assert r["robust"] == f["robust"]
        assert r["significant"] == f["significant"]
        assert r["trend"] == _flip(f["trend"])


@TREND
@given(st.one_of(proportion_series().map(lambda s: (s, "proportion")), rate_series().map(lambda s: (s, "rate"))))
def test_trend_labels_follow_polarity(case):
    series, kind = case
    frame = _rate_frame(series) if kind == "rate" else _proportion_frame(series)
    high, low, none = (recent_trend(frame, kind, p, by="series") for p in ("high", "low", "none"))
    assert (high["reason"] == "").all()
    for col in ("chi2", "direction", "significant", "robust"):
        pd.testing.assert_series_equal(high[col], low[col])
        pd.testing.assert_series_equal(high[col], none[col])
    swap = {"better": "worse", "worse": "better"}
    for h, lo, no, sig, d in zip(high["trend"], low["trend"], none["trend"], high["significant"], high["direction"]):
        if not sig:
            assert h == lo == no == "No significant change"
            continue
        word = "Increasing" if d > 0 else "Decreasing"
        assert no == word
        assert h.startswith(word + " and getting ") and lo.startswith(word + " and getting ")
        assert lo.rsplit(" ", 1)[1] == swap[h.rsplit(" ", 1)[1]]
        assert h.endswith("better") == (d > 0)


# --------------------------------------------------------------------------- rank and quartile bands

VALUES = st.lists(NUMBERS, min_size=1, max_size=60)
DISTINCT = st.lists(NUMBERS, min_size=2, max_size=60, unique=True)


@MANY
@given(VALUES, st.lists(st.integers(0, 59), max_size=5))
def test_rank_matches_counting_oracle_and_mirrors_under_negation(values, holes):
    v = np.array(values, dtype=float)
    v[[h for h in holes if h < len(v)]] = np.nan
    high, low = rank(v, "high"), rank(v, "low")
    present = ~np.isnan(v)
    assert high[~present].isna().all() and low[~present].isna().all()
    better_count = (v[None, :] > v[:, None]).sum(1)  # NaN compares False
    worse_count = (v[None, :] < v[:, None]).sum(1)
    check(~present | (high.fillna(0).to_numpy() == 1 + better_count), None, "rank high = 1 + number above")
    check(~present | (low.fillna(0).to_numpy() == 1 + worse_count), None, "rank low = 1 + number below")
    pd.testing.assert_series_equal(high, rank(-v, "low"))
    if present.any():
        assert set(v[(high == 1).fillna(False).to_numpy()]) == {np.nanmax(v)}
        assert set(v[(low == 1).fillna(False).to_numpy()]) == {np.nanmin(v)}
    assert rank(v, "none").isna().all()


@MANY
@given(DISTINCT)
def test_quartile_bands_quarter_the_distinct_values_best_first(values):
    v = np.array(values)
    n = len(v)
    for polarity in ("high", "low"):
        bands = quartile_bands(v, polarity)
        assert set(bands) <= set("ABCD")
        counts = bands.value_counts()
        for letter in "ABCD":
            assert abs(counts.get(letter, 0) - n / 4) <= 1.25, (polarity, counts.to_dict())
        best, worst = (v.argmax(), v.argmin()) if polarity == "high" else (v.argmin(), v.argmax())
        assert bands[best] == "A" and bands[worst] == "D"
        order = np.argsort(rank(v, polarity).to_numpy(), kind="stable")
        assert list(bands[order]) == sorted(bands[order]), "a better rank got a worse band"
    assert quartile_bands(v, "none").isna().all()


@MANY
@given(st.integers(1, 12).flatmap(lambda k: st.lists(NUMBERS, min_size=4 * k + 1, max_size=4 * k + 1, unique=True)))
def test_quartile_band_values_on_a_boundary_fall_in_the_lower_quarter(values):
    # with 4k + 1 distinct values the type-7 quartiles are the values ranked k + 1, 2k + 1 and
    # 3k + 1 (from the bottom): the numerically lowest quarter takes k + 1 values, the others k
    k = (len(values) - 1) // 4
    for polarity, lowest in (("high", "D"), ("low", "A")):
        counts = quartile_bands(values, polarity).value_counts().to_dict()
        assert counts == {b: k + 1 if b == lowest else k for b in "ABCD"}, (polarity, counts)


@MANY
@given(VALUES)
def test_quartile_band_letters_reverse_with_polarity(values):
    high, low = quartile_bands(values, "high"), quartile_bands(values, "low")
    reverse = dict(zip("ABCD", "DCBA"))
    assert list(low) == [reverse[b] for b in high]


@MANY
@given(DISTINCT)
def test_quartile_band_of_x_high_equals_band_of_minus_x_low_off_the_boundaries(values):
    v = np.array(values)
    cuts = np.percentile(v, [25, 50, 75])
    assume(np.abs(v[:, None] - cuts[None, :]).min() > 1e-9 * max(1.0, np.abs(v).max()))
    assert list(quartile_bands(v, "high")) == list(quartile_bands(-v, "low"))


# --------------------------------------------------------------------------- relative rate and gap


@st.composite
def two_groups(draw, kind, min_events=0):
    if kind == "proportion":
        o1, n1 = draw(fraction(max_n=10**6, min_o=min_events))
        o0, n0 = draw(fraction(max_n=10**6, min_o=min_events))
    else:
        o1, o0 = draw(st.integers(min_events, 10**5)), draw(st.integers(min_events, 10**5))
        n1, n0 = draw(st.integers(1, 10**7)), draw(st.integers(1, 10**7))
    return o1, n1, o0, n0


def _groups(min_events=0):
    """(kind, rows of (O1, n1, O0, n0)) for either kind."""
    return st.sampled_from(["rate", "proportion"]).flatmap(
        lambda k: st.tuples(st.just(k), st.lists(two_groups(k, min_events), **ROWS)))


@MANY
@given(_groups(min_events=1))
def test_relative_rate_inverts_when_group_and_reference_swap(case):
    kind, rows = case
    o1, n1, o0, n0 = columns(rows)
    ab = relative_rate(o1, n1, o0, n0, kind=kind, confidence=BOTH)
    ba = relative_rate(o0, n0, o1, n1, kind=kind, confidence=BOTH)
    no_reason(ab)
    check(near(ab["value"], 1 / ba["value"]), ab, "value inverts")
    eps = 1 + 1e-9
    for s in SUFFIXES:
        lo, up = ab[f"lower_{s}"], ab[f"upper_{s}"]
        check(near(lo, 1 / ba[f"upper_{s}"]) & near(up, 1 / ba[f"lower_{s}"]), ab, f"{s} limits invert")
        check((lo <= ab["value"] * eps) & (ab["value"] <= up * eps), ab, f"{s} interval contains the ratio")
    check((ab["lower_99_8"] <= ab["lower_95"] * eps) & (ab["upper_95"] <= ab["upper_99_8"] * eps), ab, "nested")
    check(ba["comparison"].to_numpy() == np.array([SWAP_PLAIN[x] for x in ab["comparison"]]), ab, "swapped labels")


@MANY
@given(_groups(), MULTIPLIERS)
def test_gap_negates_when_group_and_reference_swap(case, m):
    kind, rows = case
    o1, n1, o0, n0 = columns(rows)
    ab = gap(o1, n1, o0, n0, kind=kind, multiplier=m, confidence=BOTH)
    ba = gap(o0, n0, o1, n1, kind=kind, multiplier=m, confidence=BOTH)
    no_reason(ab)
    tol = 1e-9 * np.maximum(m, np.maximum(np.abs(ab["lower_99_8"]), np.abs(ab["upper_99_8"])))
    check(near(ab["value"], -ba["value"], abs_=tol), ab, "value negates")
    for s in SUFFIXES:
        lo, up = ab[f"lower_{s}"], ab[f"upper_{s}"]
        check(near(lo, -ba[f"upper_{s}"], abs_=tol) & near(up, -ba[f"lower_{s}"], abs_=tol), ab, f"{s} limits")
        check((lo <= ab["value"] + tol) & (ab["value"] <= up + tol), ab, f"{s} interval contains the gap")
        if kind == "proportion":
            check((-m - tol <= lo) & (up <= m + tol), ab, f"{s} limits within [-m, m]")
    check((ab["lower_99_8"] <= ab["lower_95"] + tol) & (ab["upper_95"] <= ab["upper_99_8"] + tol), ab, "nested")
    check(ba["comparison"].to_numpy() == np.array([SWAP_PLAIN[x] for x in ab["comparison"]]), ab, "swapped labels")


# --------------------------------------------------------------------------- against target


@st.composite
def targeted(draw):
    lo, v, up = sorted(draw(st.lists(NUMBERS, min_size=3, max_size=3)))
    t = draw(st.one_of(st.sampled_from([lo, v, up]), NUMBERS))
    return v, t, lo, up


@MANY
@given(st.lists(targeted(), **ROWS), st.booleans())
def test_against_target_flips_with_polarity_unless_on_target(rows, with_ci):
    v, t, lo, up = columns(rows)
    ci = (lo, up) if with_ci else (None, None)
    high, low = against_target(v, t, "high", *ci), against_target(v, t, "low", *ci)
    assert "reason" not in high and "reason" not in low
    check((high["gap"] == v - t) & (low["gap"] == v - t), high, "gap = value - target")
    hm, lm = high["met"].to_numpy(bool), low["met"].to_numpy(bool)
    check(np.where(v == t, hm & lm, hm != lm), high, "met flips with polarity unless value == target")
    check((v == t) | (hm == (v > t)), high, "met (high) exactly when value > target")
    for r, short in ((high, up < t), (low, lo > t)):
        met = r["met"].to_numpy(bool)
        label = r["label"].to_numpy()
        check((label == "Met") == met, r, "label Met exactly when met")
        check((label == "Significantly short of target") == (with_ci & ~met & short), r, "significantly short")
        if not with_ci:
            check(met | (label == "Not met"), r, "plain Not met without an interval")


@MANY
@given(st.lists(targeted(), **ROWS), st.booleans(), JUDGED)
def test_against_target_unchanged_when_numbers_are_negated_and_polarity_swapped(rows, with_ci, polarity):
    v, t, lo, up = columns(rows)
    r = against_target(v, t, polarity, *((lo, up) if with_ci else (None, None)))
    s = against_target(-v, -t, OTHER[polarity], *((-up, -lo) if with_ci else (None, None)))
    check((r["met"] == s["met"]) & (r["label"] == s["label"]) & (r["gap"] == -s["gap"]), (r, s),
          "mirror image")
