"""Publishing safely (whole-pipeline test): child-level details planted in the raw files never
reach a published file, small counts are hidden wherever a number leaves cypp, a hidden cell
cannot be recovered from its breakdown's total, and nothing about the machine is published.

The planted data: the demo set, plus fake names, UPNs, NHS numbers and dates of birth in the
columns that are never published (`notes` of the counts files and of the participation log),
and an early help year whose assessments add up to 3. Which cells must be hidden is worked out
here from the raw CSV with plain Python sums, not with cypp's code.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote

import pytest

NAMES = ["Amelia Hartley-Quinn", "Jayden Okafor", "Hartley-Quinn", "Okafor"]
UPNS = ["K801200011234", "A209345678901"]
OTHER = ["943 476 5919", "03/05/2011", "SE6 4RU"]
PLANTED = NAMES + UPNS + OTHER
SMALL = range(1, 5)


def _plant(raw: Path) -> None:
    for name in ("camhs_waiting_times", "early_help"):
        path = raw / "local" / f"{name}.csv"
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        for k, r in enumerate(rows[:40]):  # child-level details where an analyst might paste them
            r["notes"] = (f"checked case of {NAMES[k % 2]} (UPN {UPNS[k % 2]}, NHS {OTHER[0]}, DOB {OTHER[1]}, "
                          f"{OTHER[2]})")
        if name == "early_help":  # 2021-22: assessments add up to 3 (April 3, other months 0)
            for r in rows:
                y, m = int(r["period_start"][:4]), int(r["period_start"][5:7])
                if r["measure"] == "assessments_started" and (y, m) >= (2021, 4) and (y, m) <= (2022, 3):
                    r["numerator"] = "3" if (y, m) == (2021, 4) else "0"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    path = raw / "local" / "participation_log.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for k, r in enumerate(rows[:10]):
        r["notes"] = f"{NAMES[k % 2]} attended with her mother; UPN {UPNS[k % 2]}"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def planted(demo_raw, tmp_path_factory):
    from cypp_lib.pipeline import BuildOptions, build

    base = tmp_path_factory.mktemp("planted")
    raw = base / "raw"
    shutil.copytree(demo_raw, raw)
    _plant(raw)
    opts = BuildOptions(raw_dir=raw, out_dir=base / "outputs", processed_dir=base / "processed", jobs=2)
    build(opts, log=lambda *a: None)
    return opts


def _published_texts(out: Path) -> dict[str, str]:
    """Every published file's text, and every CSV download inside an HTML page, by name."""
    texts = {}
    for f in sorted(out.rglob("*")):
        if not f.is_file() or f.suffix not in (".html", ".csv", ".json", ".md", ".txt"):
            continue
        text = f.read_text(encoding="utf-8")
        texts[str(f.relative_to(out))] = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
        for n, (name, data) in enumerate(_links(text)):
            texts[f"{f.name} > {name} #{n}"] = data
    return texts


def _links(page: str) -> list[tuple[str, str]]:
    """(caption, CSV text) of every CSV download link in a page (attributes in any order; the
    caption is the link's visually hidden text: file names are cut to 60 characters)."""
    out = []
    for tag, inner in re.findall(r"(<a\s[^>]*>)(.*?)</a>", page, flags=re.S):
        href = re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', tag)
        if href:
            caption = html.unescape(re.sub(r"<[^>]+>", "", inner)).removeprefix("Download this table as CSV: ")
            out.append((caption, unquote(href.group(1)).lstrip("\ufeff")))
    return out


def _downloads(page: str) -> dict[str, list[dict]]:
    """CSV downloads of a page: file name -> rows."""
    return {name: list(csv.DictReader(io.StringIO(data))) for name, data in _links(page)}


def _annual(raw: Path, name: str, measure: str, group: str = "") -> dict[int, tuple[int, int | None]]:
    """Financial year (ending in) -> (sum of numerators, sum of denominators), complete years only."""
    sums, months = defaultdict(lambda: [0, 0]), defaultdict(set)
    for r in csv.DictReader((raw / "local" / f"{name}.csv").open(encoding="utf-8")):
        if r["measure"] != measure or r["group"] != group:
            continue
        y, m = int(r["period_start"][:4]), int(r["period_start"][5:7])
        fy = y + 1 if m >= 4 else y
        sums[fy][0] += int(r["numerator"])
        sums[fy][1] += int(r["denominator"] or 0)
        months[fy].add(m)
    return {fy: (n, d or None) for fy, (n, d) in sums.items() if len(months[fy]) == 12}


def _must_hide(num: int, den: int | None) -> bool:
    return num in SMALL or (den is not None and (den in SMALL or den - num in SMALL))


def _fy(year: int) -> str:
    return f"{year - 1}-{str(year)[2:]}"


def test_no_planted_identifier_reaches_any_published_file(planted):
    texts = _published_texts(planted.out_dir)
    assert len(texts) > 30  # pages, build.json, values.csv and the CSV downloads inside the pages
    found = [(name, p) for name, text in texts.items() for p in PLANTED if p.casefold() in text.casefold()]
    assert not found, found


def test_the_executed_notebooks_for_the_analyst_stay_outside_the_published_folder(planted):
    executed = list(Path(planted.processed_dir).rglob("*.ipynb"))
    assert executed and not list(Path(planted.out_dir).rglob("*.ipynb"))
    # and what the notebooks show holds no child-level detail either (the notes columns never enter)
    text = "".join(p.read_text(encoding="utf-8") for p in executed)
    assert not [p for p in PLANTED if p in text]


def test_nothing_about_the_machine_is_published(planted):
    texts = _published_texts(planted.out_dir)
    machine = [str(Path(planted.raw_dir).resolve()), str(Path(planted.out_dir).resolve()),
               str(Path(planted.processed_dir).resolve()), str(Path.home()), str(Path(__file__).resolve().parents[1])]
    bad = [(name, m) for name, text in texts.items() for m in machine if m in text]
    assert not bad, bad
    assert not [n for n, t in texts.items() if "Traceback (most recent call last)" in t or "\x1b[" in t]


def test_small_counts_are_c_in_every_trend_table_and_alt_text(planted):
    from cypp_lib.catalogue import load_catalogue

    cat = load_catalogue()
    raw = Path(planted.raw_dir)
    checks = {"early_help_assessments": ("early_help", "assessments_started", ""),
              "camhs_18_weeks_looked_after": ("camhs_waiting_times", "seen_within_18_weeks", "Looked after"),
              "early_help": ("early_help", "closed_needs_met", "")}
    p1 = (Path(planted.out_dir) / "lewisham-priority-1.html").read_text(encoding="utf-8")
    p2 = (Path(planted.out_dir) / "lewisham-priority-2.html").read_text(encoding="utf-8")
    hidden_any = 0
    for ind_id, (file, measure, group) in checks.items():
        ind = cat[ind_id]
        page = p1 if ind.priority == 1 else p2
        rows = _downloads(page)[f"{ind.name}: Lewisham and comparators over time"]
        shown = {r["Period"]: r["Lewisham"] for r in rows}
        for fy, (num, den) in _annual(raw, file, measure, group).items():
            if _must_hide(num, den):
                hidden_any += 1
                assert shown[_fy(fy)] == "c", (ind_id, fy, num, den)
            else:
                assert shown[_fy(fy)] not in ("c", "no data"), (ind_id, fy, num, den)
    assert hidden_any >= 5  # the planted early help year and the demo's small looked-after years
    alt = next(a for a in re.findall(r'<img [^>]*alt="([^"]*)"', p1) if "Early help assessments started in" in a)
    assert "no value shown (c, hidden to protect confidentiality) for 2021-22" in alt
    assert not re.search(r"(?<![\d,])3 assessments", html.unescape(p1))  # not in any table, sentence or alt text


def test_a_hidden_group_cannot_be_recovered_from_the_breakdown_total(planted):
    raw = Path(planted.raw_dir)
    p2 = (Path(planted.out_dir) / "lewisham-priority-2.html").read_text(encoding="utf-8")
    tables = _downloads(p2)
    from cypp_lib.catalogue import load_catalogue

    cat = load_catalogue()

    def shown(ind_id):
        rows = tables[cat[ind_id].name + ": Lewisham and comparators over time"]
        return {r["Period"]: r["Lewisham"] for r in rows}

    total, lac, others = (shown(i) for i in ("camhs_18_weeks", "camhs_18_weeks_looked_after",
                                             "camhs_18_weeks_not_looked_after"))
    lac_raw = _annual(raw, "camhs_waiting_times", "seen_within_18_weeks", "Looked after")
    hidden_years = [fy for fy, (n, d) in lac_raw.items() if _must_hide(n, d)]
    assert len(hidden_years) >= 3
    for period in total:
        hidden = sum(t.get(period) == "c" for t in (total, lac, others))
        assert hidden != 1, (period, total.get(period), lac.get(period), others.get(period))
    for fy in hidden_years:
        assert lac[_fy(fy)] == "c" and others[_fy(fy)] == "c"


def test_values_csv_and_alt_text_hide_the_same_cells(planted):
    out = Path(planted.out_dir)
    values = {r["indicator"]: r for r in csv.DictReader((out / "values.csv").open(encoding="utf-8-sig"))}
    raw = Path(planted.raw_dir)
    lac = _annual(raw, "camhs_waiting_times", "seen_within_18_weeks", "Looked after")
    shown_year = int(values["camhs_18_weeks_looked_after"]["year"])
    assert not _must_hide(*lac[shown_year])  # values.csv states the latest year that can be shown
    later_hidden = [fy for fy in lac if fy > shown_year and _must_hide(*lac[fy])]
    assert later_hidden
    p2 = (out / "lewisham-priority-2.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', p2)
    lac_alt = next(a for a in alts if "looked-after children in Lewisham" in a)
    assert "no value shown (c, hidden to protect confidentiality) for" in lac_alt
    for fy in later_hidden:
        n, d = lac[fy]
        assert _fy(fy) in lac_alt and f"{100 * n / d:.1f}%" not in lac_alt


def test_each_appendix_names_the_rule_and_how_many_cells_it_hid(planted):
    p2 = (Path(planted.out_dir) / "lewisham-priority-2.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", p2))
    assert "Disclosure control: rules applied and cells hidden" in text
    m = re.search(r"small_counts Counts of 1-4.*?by subtraction\. (\d+) (\d+) (\d+)", text)
    assert m, text[text.find("Disclosure control:"):][:800]
    indicators, primary, secondary = map(int, m.groups())
    raw = Path(planted.raw_dir)
    lac = _annual(raw, "camhs_waiting_times", "seen_within_18_weeks", "Looked after")
    total = _annual(raw, "camhs_waiting_times", "seen_within_18_weeks", "")
    expected_primary = sum(_must_hide(*v) for v in lac.values()) + sum(_must_hide(*v) for v in total.values())
    assert indicators == 3 and primary == expected_primary and secondary == expected_primary


def test_internal_working_papers_show_small_numbers_and_say_not_for_publication(planted, tmp_path):
    from cypp_lib.errors import ParameterError
    from cypp_lib.paths import OUTPUTS
    from cypp_lib.pipeline import BuildOptions, build

    with pytest.raises(ParameterError, match="never written into outputs/"):
        build(BuildOptions(raw_dir=planted.raw_dir, out_dir=OUTPUTS, processed_dir=tmp_path / "p",
                           suppression=False), log=lambda *a: None)
    opts = BuildOptions(raw_dir=planted.raw_dir, out_dir=tmp_path / "internal", processed_dir=planted.processed_dir,
                        suppression=False)
    build(opts, log=lambda *a: None)
    pages = sorted(opts.out_dir.glob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(r"<title>NOT FOR PUBLICATION: ", html), page.name
        assert html.count("NOT FOR PUBLICATION: an internal working paper") >= 1, page.name
    p1 = (opts.out_dir / "lewisham-priority-1.html").read_text(encoding="utf-8")
    rows = _downloads(p1)["Early help assessments started: Lewisham and comparators over time"]
    assert {r["Period"]: r["Lewisham"] for r in rows}["2021-22"] == "3 assessments"
    assert "Disclosure control was not applied" in p1
    assert not [n for n, t in _published_texts(opts.out_dir).items() for p in PLANTED if p in t]


def test_the_last_gate_refuses_to_publish_a_page_with_a_machine_path_or_an_identifier(planted, tmp_path,
                                                                                     monkeypatch):
    import cypp_lib.pipeline as pipeline
    from cypp_lib.errors import PublicationRefused
    from cypp_lib.pipeline import BuildOptions, build

    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("the last good papers", encoding="utf-8")
    real = pipeline.accessibility_html
    monkeypatch.setattr(pipeline, "accessibility_html", lambda prov: real(prov).replace(
        "</main>", f"<p>Built from {Path(planted.raw_dir).resolve()} for {NAMES[0]} ({UPNS[0]})</p></main>"))
    opts = BuildOptions(raw_dir=planted.raw_dir, out_dir=out, processed_dir=planted.processed_dir)
    with pytest.raises(PublicationRefused) as exc:
        build(opts, log=lambda *a: None)
    message = str(exc.value)
    assert "accessibility.html, line" in message and "path" in message and "[UPN]" in message
    assert NAMES[0] not in message and UPNS[0] not in message  # personal data shown by kind only
    assert [p.name for p in out.iterdir()] == ["index.html"]  # nothing published, nothing staged left
    assert (out / "index.html").read_text(encoding="utf-8") == "the last good papers"


def test_every_csv_download_on_a_page_has_its_own_file_name(planted):
    for page in sorted(Path(planted.out_dir).glob("*.html")):
        names = re.findall(r'download="([^"]*)"', page.read_text(encoding="utf-8"))
        assert len(names) == len(set(names)), (page.name, sorted(n for n in names if names.count(n) > 1))
