"""`cypp fetch` against a local HTTP server (offline): downloads, the record, immutability, clear errors.

The server serves a temporary folder laid out as <host>/<path> (a query string is part of the file
name), filled with the first lines of the real files in ../shared/data/public when present, or with
a small CSV of the same format written here.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import socket
import threading
import urllib.parse
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cypp_lib import cli, paths
from cypp_lib.catalogue.manifest import load_manifest
from cypp_lib.errors import FetchError
from cypp_lib.fetch import RECORD, fetch, manifest_entries, mirror_url

ENTRIES = manifest_entries()
FT = "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,Category Type," \
     "Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit," \
     "Count,Denominator,Value note,Recent Trend,Compared to England value or percentiles,Compared to percentiles," \
     "Time period Sortable,New data,Compared to goal,Time period range"
# Used when ../shared/data/public is absent: the real header (the leading columns for the wide files).
FALLBACK = {
    "dfe_childrens_social_care/": "\ufefftime_period,time_identifier,geographic_level,country_code,country_name,"
                                  "region_code,region_name,old_la_code,la_name,new_la_code,population_type,"
                                  "population_estimate,children_count,rate_per_10000\n"
                                  "2025,Reporting year,Local authority,E92000001,England,E12000007,London,209,"
                                  "Lewisham,E09000023,Children looked after at 31 March each year,62052,439,71\n",
    "ohid_fingertips_injuries/": f"{FT}\n90284,Hospital admissions caused by unintentional and deliberate injuries "
                                 "in children (aged 0 to 14 years),E92000001,England,E09000023,Lewisham,Counties & "
                                 "UAs (from Apr 2023),Persons,<15 yrs,,,2023/24,80.1,75.2,85.3,72.9,87.9,445,55555,"
                                 ",,Better 95%,,20230000,,,1y\n",
    "nccis_neet/": "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
                   "old_la_code,new_la_code,la_name,Age,Cohort_DJFavg,NEET_not_known_percent,NEET_percent,"
                   "Notknown_percent\n2025,Calendar year,Local authority,E92000001,England,E12000007,London,209,"
                   "E09000023,Lewisham,16-17,6000,6.5,1.6,4.9\n",
    "dfe_early_years_2019/": "LA_Name,LEA_Number,LEA_NAME,SN,concat,neighbour,LA_Number,LA_Code,"
                             "two_year_olds_Percent_2019,three_and_four_year_olds_Percent_2019\n"
                             "Lewisham,209,Lewisham,SN00,LewishamSN00,209,209,E09000023,56,82\n",
}


def sample(path: str) -> bytes:
    """The first 50 lines of the real file when ../shared has it, else a small CSV of the same format."""
    real = paths.SHARED_PUBLIC / path
    if real.is_file():
        with open(real, "rb") as f:
            return b"".join(line for _, line in zip(range(50), f))
    text = next((t for prefix, t in FALLBACK.items() if path.startswith(prefix)), "code,name,value\nE09000023,Lewisham,1\n")
    return text.encode("utf-8")


def site_file(site: Path, url: str) -> Path:
    """Where the server keeps the response for url: <host>/<path>, with any query quoted onto the name."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + (urllib.parse.quote("?" + parts.query, safe="") if parts.query else "")
    return site / parts.netloc / name


class Handler(SimpleHTTPRequestHandler):
    def translate_path(self, path):
        parts = urllib.parse.urlsplit(path)
        return str(site_file(Path(self.directory), "http://" + parts.path.lstrip("/") +
                             (f"?{parts.query}" if parts.query else "")))

    def end_headers(self):
        self.send_header("ETag", '"test-etag"')
        super().end_headers()

    def guess_type(self, path):
        return "text/plain; charset=utf-8"  # as raw.githubusercontent.com does

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """(mirror URL, site folder) of a local server holding every manifest file."""
    site = tmp_path / "site"
    for path, url in ENTRIES:
        f = site_file(site, url)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(sample(path))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", site
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def quiet(*args):
    pass


def test_manifest_fetch_urls_are_https_and_targets_match_the_manifest_path():
    assert ENTRIES, "the manifest gives no download address"
    for entry in load_manifest().values():
        for target, url in entry.fetch.items():
            assert urllib.parse.urlsplit(url).scheme == "https", url
            assert target == entry.path or (entry.is_series and fnmatch.fnmatch(target, entry.path)), target
            assert "*" not in target


def test_mirror_rewrites_host_path_and_query():
    url = "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=90284"
    assert mirror_url(url, "http://127.0.0.1:8000/") == \
        "http://127.0.0.1:8000/fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=90284"
    assert mirror_url(url, None) == url


def test_fetch_all_into_an_empty_folder_then_again_unchanged(server, tmp_path):
    mirror, site = server
    raw = tmp_path / "raw"
    status = fetch(raw, mirror=mirror, log=quiet)
    assert status == {path: "downloaded" for path, _ in ENTRIES}
    record = {e["path"]: e for e in json.loads((raw / RECORD).read_text(encoding="utf-8"))["files"]}
    assert set(record) == {path for path, _ in ENTRIES}
    for path, url in ENTRIES:
        data = (raw / path).read_bytes()
        assert data == site_file(site, url).read_bytes()
        assert record[path]["url"] == url  # the original, not the mirror
        assert record[path]["sha256"] == hashlib.sha256(data).hexdigest()
        assert record[path]["bytes"] == len(data)
        assert record[path]["etag"] == '"test-etag"' and "last_modified" in record[path]
        assert record[path]["retrieved_at"].endswith("Z")
    # every manifest entry with a fetch field now finds its files
    for entry in load_manifest().values():
        if entry.fetch:
            assert sorted(entry.expand(raw)) == sorted(entry.fetch)

    before = {p: (raw / p).stat().st_mtime_ns for p in snapshot(raw)}
    lines = []
    assert set(fetch(raw, mirror=mirror, log=lines.append).values()) == {"unchanged"}
    assert {p: (raw / p).stat().st_mtime_ns for p in snapshot(raw)} == before
    assert any("unchanged" in line for line in lines)


def test_a_changed_file_is_never_overwritten_and_nothing_moves(server, tmp_path):
    mirror, site = server
    raw = tmp_path / "raw"
    fetch(raw, mirror=mirror, log=quiet)
    before = snapshot(raw)
    path, url = next((p, u) for p, u in ENTRIES if p.startswith("nccis_neet/"))
    served = site_file(site, url)
    served.write_bytes(served.read_bytes() + b"\n")  # a new delivery
    (raw / ENTRIES[0][0]).unlink()  # and one file missing, which would otherwise be downloaded
    del before[ENTRIES[0][0]]
    with pytest.raises(FetchError) as exc:
        fetch(raw, mirror=mirror, log=quiet)
    msg = str(exc.value)
    assert path in msg and "differs" in msg and "--raw data/raw/public-" in msg and "nothing was written" in msg
    assert snapshot(raw) == before  # byte-identical, no temporaries, the missing file still missing


def test_404_names_file_and_url_and_writes_nothing(server, tmp_path):
    mirror, site = server
    path, url = ENTRIES[-1]
    site_file(site, url).unlink()
    raw = tmp_path / "raw"
    with pytest.raises(FetchError) as exc:
        fetch(raw, mirror=mirror, log=quiet)
    msg = str(exc.value)
    assert path in msg and url in msg and "HTTP 404 Not Found" in msg
    assert not raw.exists()


def test_an_html_page_served_with_200_is_rejected(server, tmp_path):
    mirror, site = server
    path, url = ENTRIES[0]
    site_file(site, url).write_text("<!DOCTYPE html>\n<html><head><title>Sign in, to see this, page</title></head>"
                                    "<body>Service unavailable</body></html>\n", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    with pytest.raises(FetchError, match="an HTML page, not CSV") as exc:
        fetch(raw, mirror=mirror, log=quiet)
    assert path in str(exc.value)
    assert list(raw.iterdir()) == []


@pytest.mark.parametrize("content,problem", [(b"", "an empty response"),
                                             (b"no commas here\n1\n", "first line has no commas"),
                                             (b"a,b\n\xff\xfe,1\n", "not UTF-8")])
def test_other_non_csv_responses_are_rejected(server, tmp_path, content, problem):
    mirror, site = server
    path, url = ENTRIES[0]
    site_file(site, url).write_bytes(content)
    with pytest.raises(FetchError, match=problem):
        fetch(tmp_path / "raw", entries=[(path, url)], mirror=mirror, log=quiet)
    assert not (tmp_path / "raw").exists()


def test_connection_refused(tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago and has no listener
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path, url = ENTRIES[0]
    with pytest.raises(FetchError, match="connection refused") as exc:
        fetch(tmp_path / "raw", entries=[(path, url)], mirror=f"http://127.0.0.1:{port}", timeout=5, log=quiet)
    assert path in str(exc.value) and url in str(exc.value)


def test_a_silent_server_times_out(tmp_path):
    with socket.socket() as s:  # listens (the kernel accepts the connection) but never answers
        s.bind(("127.0.0.1", 0))
        s.listen()
        path, url = ENTRIES[0]
        with pytest.raises(FetchError, match=r"timed out after 0.2 s"):
            fetch(tmp_path / "raw", entries=[(path, url)], mirror=f"http://127.0.0.1:{s.getsockname()[1]}",
                  timeout=0.2, log=quiet)
    assert not (tmp_path / "raw").exists()


def test_only_selects_files(server, tmp_path):
    mirror, _ = server
    status = fetch(tmp_path / "raw", mirror=mirror, only="nccis_neet/*", log=quiet)
    assert set(status) == {p for p, _ in ENTRIES if p.startswith("nccis_neet/")}
    with pytest.raises(FetchError, match="no file to fetch matches"):
        fetch(tmp_path / "raw", mirror=mirror, only="nothing-like-this", log=quiet)


def test_cli_fetch_succeeds_and_reports_failures_without_a_traceback(server, tmp_path, capsys):
    mirror, site = server
    raw = tmp_path / "raw"
    assert cli.main(["fetch", "--raw", str(raw), "--mirror", mirror, "--only", "fingertips"]) == 0
    assert "downloaded" in capsys.readouterr().out
    assert json.loads((raw / RECORD).read_text(encoding="utf-8"))["files"][0]["url"].startswith("https://")

    path, url = ENTRIES[0]
    site_file(site, url).unlink()
    assert cli.main(["fetch", "--raw", str(tmp_path / "raw2"), "--mirror", mirror, "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cypp: error:") and path in err and "HTTP 404" in err and "Traceback" not in err


def test_cli_fetch_defaults_to_data_raw_public():
    args = cli.parser().parse_args(["fetch"])
    assert Path(args.raw) == paths.RAW / "public" and args.timeout == 60 and args.mirror is None
