"""Command line: ``python -m analysis build | preview | list-icbs | bench | check``.

Parameters are validated here, before any notebook runs, with errors that list what is valid.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import build as b
from . import geography


def _log(msg: str) -> None:
    print(msg, flush=True)


def cmd_list_icbs(args: argparse.Namespace) -> int:
    print(f"{'ODS':<6}{'ONS':<11}{'Region':<28}Name")
    for icb in geography.all_icbs():
        print(f"{icb.ods_code:<6}{icb.ons_code:<11}{icb.region_name:<28}{icb.name}")
    return 0


def _jobs(value: int | None) -> int:
    return value if value and value > 0 else max(1, min(os.cpu_count() or 1, 4))


def cmd_build(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    if args.all:
        from . import compare

        only = [x for x in (args.icbs or "").split(",") if x.strip()] or None
        return compare.build_all(imd_version=args.imd_version, n_jobs=_jobs(args.jobs), log=_log,
                                 force=args.force, limit=args.limit, only=only)
    params = b.validate_params(args.icb, args.imd_version)
    target = Path(args.out) if args.out else b.default_target()
    _log(f"Building the evidence book for {params.icb.name} ({params.icb.ods_code}), "
         f"IMD {params.imd_version} ...")
    reports = b.build_books([params], targets={params.icb.ods_code: target}, n_jobs=_jobs(args.jobs),
                            log=_log, force=args.force)
    r = reports[0]
    _log(f"Done in {time.perf_counter() - t0:.1f}s: {r.executed} chapter(s) executed, {r.cached} from cache.")
    _log(f"The book is at {target.absolute() / 'index.html'}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench

    if args.all:
        return bench.bench_all(limit=args.limit, n_jobs=_jobs(args.jobs))
    return bench.bench_default(icb=args.icb, n_jobs=_jobs(args.jobs), skip_reference=args.skip_reference)


def cmd_preview(args: argparse.Namespace) -> int:
    from . import preview

    # Restarted as it was started when package code changes (the new process imports the new code).
    return preview.preview(args.icb, args.imd_version, chapter=args.chapter, port=args.port,
                           n_jobs=_jobs(args.jobs), log=_log, restart=[sys.executable, *sys.orig_argv[1:]])


def cmd_check(args: argparse.Namespace) -> int:
    from . import compare

    return compare.check_all(log=_log, imd_version=args.imd_version)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis",
                                description="Build the health inequalities evidence book for an NHS ICB.")
    sub = p.add_subparsers(dest="command", required=True)
    pb = sub.add_parser("build", help="build the book (default: NHS Herefordshire and Worcestershire ICB)")
    pb.add_argument("--icb", default=geography.DEFAULT_ICB,
                    help="ODS code (QGH), ONS code (E54000019) or unambiguous name; see list-icbs")
    pb.add_argument("--all", action="store_true", help="build every ICB's book and a comparison landing page")
    pb.add_argument("--icbs", default=None,
                    help="with --all: a comma-separated subset of ICBs (codes or names), e.g. QGH,QHL,QXU")
    pb.add_argument("--imd-version", default=b.DEFAULT_IMD_VERSION,
                    help=f"deprivation measure used throughout: {' or '.join(map(str, b.IMD_VERSIONS))}")
    pb.add_argument("--jobs", type=int, default=None, help="chapters run at once (default: cores, max 4)")
    pb.add_argument("--out", default=None, help="where to publish the site (default _build/html)")
    pb.add_argument("--force", action="store_true", help="re-run every chapter, ignoring the cache")
    pb.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    pb.set_defaults(func=cmd_build)
    pl = sub.add_parser("list-icbs", help="list the 42 ICBs and their codes")
    pl.set_defaults(func=cmd_list_icbs)
    pn = sub.add_parser("bench", help="time cold, no-op and one-input-change builds")
    pn.add_argument("--icb", default=geography.DEFAULT_ICB)
    pn.add_argument("--all", action="store_true", help="benchmark the all-ICB build")
    pn.add_argument("--limit", type=int, default=None, help="with --all: only the first N ICBs")
    pn.add_argument("--jobs", type=int, default=None)
    pn.add_argument("--skip-reference", action="store_true",
                    help="skip the Jupyter Book own-execution reference timing")
    pn.set_defaults(func=cmd_bench)
    pp = sub.add_parser("preview", help="serve the book on 127.0.0.1 and rebuild it when a notebook or module is saved")
    pp.add_argument("--icb", default=geography.DEFAULT_ICB, help="as for build")
    pp.add_argument("--imd-version", default=b.DEFAULT_IMD_VERSION)
    pp.add_argument("--chapter", default=None, help="only this chapter (its id in book/chapters.yml), for faster rebuilds")
    pp.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 = any free port)")
    pp.add_argument("--jobs", type=int, default=None)
    pp.set_defaults(func=cmd_preview)
    pc = sub.add_parser("check", help="compute every chapter's headline figures for all 42 ICBs and check them")
    pc.add_argument("--imd-version", default=b.DEFAULT_IMD_VERSION)
    pc.set_defaults(func=cmd_check)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (b.ParameterError, geography.UnknownICBError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except b.BuildError as exc:
        print(f"\nBUILD FAILED\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted; the last good site and the cache are intact.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
