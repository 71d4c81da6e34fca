"""The `cypp` command. Keep imports here light: heavy packages load inside each command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cypp_lib import __version__, paths
from cypp_lib.errors import CyppError, ValidationFailed


def _common(p: argparse.ArgumentParser, out: bool = True, default_out: Path | None = paths.OUTPUTS) -> None:
    p.add_argument("--raw", type=Path, default=paths.RAW, metavar="DIR",
                   help="folder of raw files (default: data/raw, the demo data)")
    if out:
        p.add_argument("--out", type=Path, default=default_out, metavar="DIR",
                       help="folder for the published papers (default: outputs/)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="cypp",
        description="Reproducible needs-analysis papers for the Lewisham Children and Young People's Plan "
                    "2019-22: validate raw data, prepare indicators, build accessible HTML board papers.",
        epilog="Start with `make papers` (demo data) or `cypp build --raw ../shared/data/public` (real data).")
    ap.add_argument("--version", action="version", version=f"cypp {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="validate, prepare and build all papers",
                       description="Validate the raw files (Great Expectations), prepare the processed table, "
                                   "execute one notebook per paper (overview, priorities 1-4, annual report) and "
                                   "publish them as HTML with an index. Nothing is replaced unless every step succeeds.")
    _common(b, default_out=None)
    b.add_argument("--processed", type=Path, default=paths.PROCESSED, metavar="DIR",
                   help="folder for the processed table and executed notebooks (default: data/processed)")
    b.add_argument("--area", default="Lewisham", help="LA name, ONS code or DfE number (default: Lewisham)")
    b.add_argument("--period", default="latest", help="'latest' or the year a period ends in (default: latest)")
    b.add_argument("--neighbours", default="2025", choices=["pre-2021", "2021", "2025"],
                   help="statistical-neighbour model year (default: 2025)")
    b.add_argument("--meeting-date", default="", metavar="DATE",
                   help="board meeting date printed on the papers, e.g. '12 March 2026' or 2026-03-12")
    b.add_argument("--priorities", default="1,2,3,4", metavar="LIST",
                   help="the plan priorities the annual report covers, e.g. 1,3 (default: all four)")
    b.add_argument("--jobs", type=int, default=2, help="papers built in parallel (default: 2)")
    b.add_argument("--no-suppression", action="store_true",
                   help="internal working papers: no disclosure control (small numbers shown), every page marked "
                        "NOT FOR PUBLICATION, written into internal/ unless --out says otherwise (never outputs/)")

    v = sub.add_parser("validate", help="check the raw files with Great Expectations",
                       description="Check every raw file the catalogue uses against its suite in expectations/. "
                                   "Prints a plain-English report (file, line, column, expected, found), writes "
                                   "checks/validation.html in the output folder (the published validation.html of the last good build "
                                   "is left alone), exits 1 on failure.")
    _common(v)
    v.add_argument("--area", default="Lewisham", help="the LA whose rows every file must hold (default: Lewisham)")

    d = sub.add_parser("demo-data", help="generate the synthetic demonstration data",
                       description="Write the deterministic synthetic demonstration data set (same layout and "
                                   "formats as the real files) into the raw folder. Refuses to write into a folder "
                                   "holding anything other than demo data.")
    _common(d, out=False)
    d.add_argument("--force", action="store_true", help="regenerate even if demo data is already there")

    c = sub.add_parser("catalogue", help="list the indicators in the catalogue",
                       description="Print the indicator catalogue (cypp_lib/catalogue/indicators.yaml): one line "
                                   "per indicator with its id, plan priority (P0 = context), outcome number, value "
                                   "type and name. Use the id with the exploration notebook or Paper.series().")
    c.add_argument("--priority", type=int, choices=[0, 1, 2, 3, 4], help="only this priority (0 = context)")

    f = sub.add_parser("fetch", help="download the public source files into a raw folder",
                       description="Download the public files the manifest (cypp_lib/catalogue/manifest.yaml) "
                                   "gives a URL for into a raw folder, recording URL, date and SHA-256 in "
                                   "fetch-record.json. Needs internet access (or --mirror). Nothing is written "
                                   "unless every download succeeds; a file already there that differs is never "
                                   "overwritten (fetch into a new folder and compare the deliveries).")
    f.add_argument("--raw", type=Path, default=paths.RAW / "public", metavar="DIR",
                   help="folder to download into (default: data/raw/public)")
    f.add_argument("--only", metavar="PATTERN",
                   help="only the files whose path matches this glob or contains this text (e.g. nccis)")
    f.add_argument("--mirror", metavar="URL",
                   help="fetch https://host/path from URL/host/path instead (an internal mirror)")
    f.add_argument("--timeout", type=float, default=60, metavar="S", help="seconds to wait per file (default: 60)")

    dp = sub.add_parser("diff", help="what changed between two builds, by indicator and value",
                        description="Compare the values.csv of two output folders (an earlier build, OLD, and a "
                                    "later one, NEW) and list every indicator whose published facts changed: a new "
                                    "period, a revised value, a value now or no longer published, or a change in the "
                                    "comparison with England, the recent trend or the quartile band. Exits 0 whether "
                                    "or not anything changed, 1 on an error.")
    dp.add_argument("old", type=Path, metavar="OLD", help="output folder of the earlier build")
    dp.add_argument("new", type=Path, metavar="NEW", help="output folder of the later build")
    dp.add_argument("--csv", type=Path, metavar="FILE", help="also write the table of changes to this CSV file")
    dp.add_argument("--allow-different-areas", action="store_true",
                    help="compare builds for two different areas (refused by default)")
    return ap


def cmd_demo_data(args) -> int:
    from cypp_lib.demo import generate, is_current, is_demo

    raw = Path(args.raw)
    present = [p for p in raw.glob("*") if p.name not in ("README.md", ".gitkeep")] if raw.is_dir() else []
    demo_present = is_demo(raw)
    if present and not demo_present:
        raise CyppError(f"{raw} holds files that are not cypp demo data; refusing to write into it "
                        "(raw data is never overwritten). Choose another --raw folder.")
    if demo_present and is_current(raw) and not args.force:
        print(f"Demo data already present in {raw} (use --force to regenerate).")
        return 0
    files = generate(raw)
    refreshed = " (the demo data there came from an earlier cypp)" if demo_present and not args.force else ""
    print(f"Wrote {len(files)} synthetic demonstration files to {raw}{refreshed}.")
    return 0


def cmd_validate(args) -> int:
    from cypp_lib.pipeline import BuildOptions, validate_step

    opts = BuildOptions(raw_dir=args.raw, out_dir=args.out, processed_dir=paths.PROCESSED, area=args.area)
    report, _, page = validate_step(opts)
    target = Path(args.out) / "checks" / "validation.html"  # not the published page of the last good build
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page.replace('href="index.html"', 'href="../index.html"').replace(
        'href="accessibility.html"', 'href="../accessibility.html"'), encoding="utf-8")
    print(f"Full report: {target}")
    return 0 if report.success else 1


def cmd_build(args) -> int:
    from cypp_lib.pipeline import BuildOptions, build

    out = args.out or (paths.INTERNAL if args.no_suppression else paths.OUTPUTS)
    build(BuildOptions(raw_dir=args.raw, out_dir=out, processed_dir=args.processed, area=args.area,
                       period=str(args.period), neighbour_model=args.neighbours,
                       meeting_date=args.meeting_date, priorities=args.priorities, jobs=args.jobs,
                       suppression=not args.no_suppression))
    return 0


def cmd_catalogue(args) -> int:
    from cypp_lib.catalogue import load_catalogue

    for i in load_catalogue():
        if args.priority is not None and i.priority != args.priority:
            continue
        print(f"{i.id:26} P{i.priority} O{i.outcome or '-':<3} {i.value_type:10} {i.name}")
    return 0


def cmd_fetch(args) -> int:
    from cypp_lib.fetch import fetch

    fetch(args.raw, mirror=args.mirror, timeout=args.timeout, only=args.only)
    return 0


def cmd_diff(args) -> int:
    from cypp_lib.diff import diff_builds, format_diff
    from cypp_lib.values import write_values

    changes, notes = diff_builds(args.old, args.new, allow_different_areas=args.allow_different_areas)
    print(format_diff(changes, notes, str(args.old), str(args.new)), end="")
    if args.csv:
        try:
            write_values(changes, args.csv)
        except OSError as exc:
            raise CyppError(f"--csv {args.csv}: could not write it ({exc.strerror or exc})") from None
        print(f"Table of changes: {args.csv}")
    return 0


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if not args.command:
        parser().print_help()
        return 0
    handler = {"build": cmd_build, "validate": cmd_validate, "demo-data": cmd_demo_data,
               "catalogue": cmd_catalogue, "fetch": cmd_fetch, "diff": cmd_diff}[args.command]
    try:
        return handler(args)
    except ValidationFailed as exc:
        print(f"cypp: {exc}", file=sys.stderr)
        return 1
    except CyppError as exc:
        print(f"cypp: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The `cypp` command: main(), then exit without tearing the interpreter down. A build has
    imported pandas, pyarrow, matplotlib and Great Expectations, whose teardown costs about a
    second and does nothing a finished command needs (files are closed, subprocesses are gone)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
