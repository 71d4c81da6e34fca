"""The scan of a folder about to be published: machine paths, names, tracebacks, ANSI codes and
personal identifiers are found (in pages, CSV files and the CSV downloads inside pages); base64
images are not read; identifiers are never shown in what the scan reports."""

from __future__ import annotations

import base64
import getpass
from pathlib import Path
from urllib.parse import quote

from cypp_lib import paths
from cypp_lib.outputscan import Leak, Scanned, scan, scan_file, scan_text

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><title>Paper</title>
<style>.x {{ animation-name: fade; }}</style></head>
<body>
<h1>Priority 4</h1>
<p>Young Advisors and the Lewisham Youth Parliament met in 2024-25 (E09000023, SE6).</p>
{body}
</body></html>
"""


def _page(folder: Path, body: str, name: str = "paper.html") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(body=body), encoding="utf-8")
    return path


def _kinds(leaks: list[Leak]) -> list[tuple[str, int, str]]:
    return [(leak.file, leak.line, leak.kind) for leak in leaks]


def test_a_clean_folder_has_no_leaks(tmp_path):
    _page(tmp_path, "<p>Meeting on 12 March 2026; data to 2025-03-31.</p>")
    (tmp_path / "values.csv").write_text("indicator,period,value\ncla_rate,2024-25,71.0\n", encoding="utf-8")
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n/tmp/ /root/ A123456789012")  # binary: not read
    assert scan(tmp_path) == []


def test_a_planted_absolute_path_is_found_and_shown(tmp_path):
    _page(tmp_path, "<p>Read from /tmp/pytest-0/raw/lait.csv today.</p>")  # line 7
    leaks = scan(tmp_path)
    assert _kinds(leaks) == [("paper.html", 7, "path")]
    assert "/tmp/" in leaks[0].context and "lait.csv" in leaks[0].context


def test_each_kind_of_machine_path(tmp_path):
    lines = ["/home/alice/cypp/notebooks", "/work/main/data", "/Users/bob/Desktop", r"C:\Users\carol\cypp",
             "/root/.cache/x", f"{paths.ROOT}/data/raw", f"{Path.home()}/x"]
    (tmp_path / "notes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {(leak.line, leak.kind) for leak in scan(tmp_path)}
    assert {(n, "path") for n in range(1, len(lines) + 1)} <= found


def test_urls_and_relative_paths_are_not_machine_paths(tmp_path):
    _page(tmp_path, '<a href="https://example.org/tmp/work/x">link</a> <a href="lewisham-priority-1.html">'
                    "P1</a> data/raw/local/participation_log.csv, lait/lait_kpi_subset_long.csv")
    assert scan(tmp_path) == []


def test_a_traceback_and_ansi_codes_are_found(tmp_path):
    _page(tmp_path, '<pre>Traceback (most recent call last):\n  File "x.py", line 3, in f\n'
                    "\x1b[0;31mValueError\x1b[0m</pre>")
    kinds = [k for _, _, k in _kinds(scan(tmp_path))]
    assert kinds.count("traceback") == 2 and kinds.count("ANSI escape") == 2
    (tmp_path / "build.json").write_text('{"log": "\\u001b[31merror"}', encoding="utf-8")
    assert ("build.json", 1, "ANSI escape") in _kinds(scan(tmp_path))


def test_a_upn_in_a_csv_download_link_is_found_and_not_shown(tmp_path):
    csv_text = "\ufeffActivity,Who\r\nPanel,Pupil A123456789012\r\n"
    _page(tmp_path, f'<p><a download="t.csv" href="data:text/csv;charset=utf-8,{quote(csv_text)}">'
                    "Download this table as CSV</a></p>")  # line 7
    leaks = scan(tmp_path)
    assert _kinds(leaks) == [("paper.html (download)", 7, "UPN")]
    assert "A123456789012" not in str(leaks[0]) and "[UPN]" in leaks[0].context
    assert "Pupil" in leaks[0].context  # the text around it is shown


def test_identifiers_in_page_text_and_csv_files_are_found_and_not_shown(tmp_path):
    _page(tmp_path, "<p>Thanks to Mrs Okafor (07700 900123, jo.bloggs@example.org, SE6 4RU).</p>")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "log.csv").write_text("activity,we_did\nPanel,Oliver Smith DOB 03/05/2012\n",
                                               encoding="utf-8")
    leaks = scan(tmp_path)
    assert _kinds(leaks) == [("data/log.csv", 2, "name"), ("data/log.csv", 2, "date of birth"),
                             ("paper.html", 7, "name"), ("paper.html", 7, "phone number"),
                             ("paper.html", 7, "email address"), ("paper.html", 7, "postcode")]
    shown = "\n".join(map(str, leaks))
    for secret in ("Okafor", "07700", "jo.bloggs", "4RU", "Oliver", "Smith", "03/05/2012"):
        assert secret not in shown


def test_a_base64_image_is_not_read_even_when_it_holds_tmp(tmp_path):
    payload = base64.b64encode(b"\xfe\xff" * 30).decode() + "+/tmp/" + "QUJD" * 20 + "+/root/SE64RU"
    assert {"path", "postcode"} <= {kind for _, kind, _ in scan_text(payload)}  # as plain text it would be flagged
    _page(tmp_path, f'<img alt="A chart" src="data:image/png;base64,{payload}">')
    assert scan(tmp_path) == []
    _page(tmp_path, f'<img alt="A chart" src="/tmp/x.png"><img src="data:image/png;base64,{payload}">')
    assert _kinds(scan(tmp_path)) == [("paper.html", 7, "path")]  # the image's own path still counts


def test_html_entities_do_not_hide_an_identifier(tmp_path):
    _page(tmp_path, "<p>Mrs O&#x27;Brien</p>")
    assert _kinds(scan(tmp_path)) == [("paper.html", 7, "name")]


def test_the_user_name_as_a_whole_word(tmp_path, monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "jbloggs")
    _page(tmp_path, "<p>Built by jbloggs.</p><p>jbloggsville</p>")
    leaks = scan(tmp_path)
    assert _kinds(leaks) == [("paper.html", 7, "user name")] and "jbloggs" in leaks[0].context
    monkeypatch.setattr(getpass, "getuser", lambda: "ann")  # under 4 characters: not searched
    _page(tmp_path, "<p>Built by ann.</p>")
    assert scan(tmp_path) == []


def test_extra_strings_are_found_exactly_and_not_shown(tmp_path):
    _page(tmp_path, "<p>Case ref CX-2231-Q held by the team.</p>")
    leaks = scan(tmp_path, extra=["CX-2231-Q", "not there"])
    assert _kinds(leaks) == [("paper.html", 7, "extra")] and "CX-2231-Q" not in str(leaks[0])
    assert scan(tmp_path, extra=["cx-2231-q"]) == []  # exact


def test_long_numbers_and_dates_in_published_values_are_not_identifiers(tmp_path):
    (tmp_path / "values.csv").write_text(
        "indicator,period,value,sha256\n"
        "a,2024-25,0.1234567890,3f2a9c0d1e4b5a6978876543210fedcba9876543210123456789abcdef012345\n"
        "b,2025-03-31,12345678901234,\n", encoding="utf-8")
    assert scan(tmp_path) == []


def test_a_file_scanned_earlier_is_reused_only_while_its_bytes_are_unchanged(tmp_path):
    page = _page(tmp_path, "<p>Read from /tmp/pytest-0/raw/lait.csv today.</p>", "lewisham-overview.html")
    _page(tmp_path, "<p>Clean.</p>", "index.html")
    earlier = scan_file(page)  # as a paper's worker does, as soon as the paper is rendered
    assert [leak.kind for leak, _ in earlier.found] == ["path"]
    assert scan(tmp_path, scanned={"lewisham-overview.html": earlier}) == scan(tmp_path)
    # reused: a record of what was scanned stands for the file while the bytes are those scanned
    # (a record naming a different finding proves the file was not read again)
    marked = Scanned(earlier.sha256, ((Leak("lewisham-overview.html", 1, "extra", "[extra]"), ("", 1, 0)),))
    assert _kinds(scan(tmp_path, scanned={"lewisham-overview.html": marked})) == [
        ("lewisham-overview.html", 1, "extra")]
    # changed since (e.g. marked NOT FOR PUBLICATION afterwards): read and scanned again
    _page(tmp_path, "<p>Clean now.</p> SE6 4RU", "lewisham-overview.html")
    assert _kinds(scan(tmp_path, scanned={"lewisham-overview.html": earlier})) == [
        ("lewisham-overview.html", 7, "postcode")]
