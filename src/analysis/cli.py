"""Command line: ``python -m analysis build | preview | data | list-icbs | bench | check``.

Parameters are validated here, before any notebook runs, with errors that list what is valid.
Every error a user can cause or meet (a bad parameter, a refused or missing data file, a loader
error, a failed chapter) is printed as a short message saying what failed and what to do, and the
command exits non-zero; ``--debug`` adds the Python traceback.
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


def _set_as_of(value: str | None) -> None:
    """``--as-of``: every chapter (and the front matter) sees the editions added by that date."""
    if not value:
        os.environ.pop("ANALYSIS_AS_OF", None)
        return
    from . import sources

    when = sources._parse_when(value, end_of_day=True)  # refuses anything that is not a date
    os.environ["ANALYSIS_AS_OF"] = value.strip()
    sources.clear_caches()
    _log(f"As of {when:%d %B %Y %H:%M} UTC: using the editions of each dataset added to the manifest by then.")


def _set_engine(engine: str | None) -> None:
    """``--engine``: how chapters run (see analysis.build.execute.ENGINES); read by the build."""
    if engine:
        os.environ["ANALYSIS_ENGINE"] = engine


def cmd_build(args: argparse.Namespace) -> int:
    from . import quickcheck

    t0 = time.perf_counter()
    # taken before anything is read: a file changed during the build makes the next one run
    quick = quickcheck.begin(args.argv)
    _set_as_of(args.as_of)
    _set_engine(args.engine)
    if args.all:
        from . import compare

        only = [x for x in (args.icbs or "").split(",") if x.strip()] or None
        return compare.build_all(
            imd_version=args.imd_version,
            n_jobs=_jobs(args.jobs),
            log=_log,
            force=args.force,
            limit=args.limit,
            only=only,
        )
    params = b.validate_params(args.icb, args.imd_version)
    target = (
        Path(args.out)
        if args.out
        else (b.default_target() if not args.as_of else b.build_dir() / f"as-of-{args.as_of.strip().replace(':', '')}")
    )
    _log(f"Building the evidence book for {params.icb.name} ({params.icb.ods_code}), IMD {params.imd_version} ...")
    reports = b.build_books(
        [params], targets={params.icb.ods_code: target}, n_jobs=_jobs(args.jobs), log=_log, force=args.force
    )
    r = reports[0]
    if quick is not None:
        quickcheck.record(args.argv, quick)
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
    return preview.preview(
        args.icb,
        args.imd_version,
        chapter=args.chapter,
        port=args.port,
        n_jobs=_jobs(args.jobs),
        log=_log,
        restart=[sys.executable, *sys.orig_argv[1:]],
    )


def cmd_data(args: argparse.Namespace) -> int:
    from . import datacmd

    if args.data_command == "status":
        _set_as_of(getattr(args, "as_of", None))
        rows = datacmd.status(log=_log)
        return 1 if any(r.files_ok < r.files_total for r in rows) else 0
    if args.data_command == "add":
        datacmd.add(
            args.file,
            dataset=args.dataset,
            revision=args.revision,
            allow_new_codes=args.allow_new_codes,
            url=args.url,
            log=_log,
        )
        return 0
    if args.data_command == "remove":
        datacmd.remove(args.dataset, args.edition, log=_log)
        return 0
    if args.data_command == "fetch":
        added = datacmd.fetch(args.dataset, log=_log)
        _log(f"{len(added)} new edition(s) added." + (" Rebuild the book to use them." if added else ""))
        return 0
    raise b.ParameterError(f"unknown data command {args.data_command!r}")


def cmd_check(args: argparse.Namespace) -> int:
    from . import compare

    return compare.check_all(log=_log, imd_version=args.imd_version)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m analysis", description="Build the health inequalities evidence book for an NHS ICB."
    )
    p.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    sub = p.add_subparsers(dest="command", required=True)
    pb = sub.add_parser("build", help="build the book (default: NHS Herefordshire and Worcestershire ICB)")
    pb.add_argument(
        "--icb",
        default=geography.DEFAULT_ICB,
        help="ODS code (QGH), ONS code (E54000019) or unambiguous name; see list-icbs",
    )
    pb.add_argument("--all", action="store_true", help="build every ICB's book and a comparison landing page")
    pb.add_argument(
        "--icbs", default=None, help="with --all: a comma-separated subset of ICBs (codes or names), e.g. QGH,QHL,QXU"
    )
    pb.add_argument(
        "--imd-version",
        default=b.DEFAULT_IMD_VERSION,
        help=f"deprivation measure used throughout: {' or '.join(map(str, b.IMD_VERSIONS))}",
    )
    pb.add_argument("--jobs", type=int, default=None, help="chapters run at once (default: cores, max 4)")
    pb.add_argument("--out", default=None, help="where to publish the site (default _build/html)")
    pb.add_argument("--force", action="store_true", help="re-run every chapter, ignoring the cache")
    pb.add_argument(
        "--engine",
        choices=b.ENGINES,
        default=None,
        help="how chapters run: 'warm' (default; forks of one process that imported everything once) "
        "or 'kernel' (a fresh Jupyter kernel per notebook, as papermill runs it)",
    )
    pb.add_argument(
        "--as-of",
        default=None,
        metavar="YYYY-MM-DD",
        help="rebuild the book as it was: use only the dataset editions added to the manifest by this "
        "date (or time, YYYY-MM-DDTHH:MM:SSZ); published to _build/as-of-<date> unless --out",
    )
    pb.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    pb.set_defaults(func=cmd_build)
    pd_ = sub.add_parser("data", help="dataset editions: status, add a new file, remove, fetch from the publisher")
    dsub = pd_.add_subparsers(dest="data_command", required=True)
    ds_ = dsub.add_parser("status", help="every dataset: current edition, period, files, age, what is overdue")
    ds_.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="as a build with --as-of would see it")
    da = dsub.add_parser("add", help="add a downloaded publication file as a new edition of its dataset")
    da.add_argument("file", help="the file exactly as the publisher released it")
    da.add_argument("--dataset", default=None, help="the dataset it belongs to (default: recognised from its content)")
    da.add_argument(
        "--revision",
        action="store_true",
        help="the file revises a period already in the manifest (it becomes that period's edition)",
    )
    da.add_argument(
        "--allow-new-codes",
        action="store_true",
        help="accept organisation codes no earlier edition has (after checking them)",
    )
    da.add_argument("--url", default=None, help="the https address the file was downloaded from (recorded)")
    dr = dsub.add_parser("remove", help="take an edition out of the manifest (its file stays in the store)")
    dr.add_argument("--dataset", required=True)
    dr.add_argument("--edition", required=True)
    df_ = dsub.add_parser("fetch", help="download editions newer than the manifest's from the publisher's page")
    df_.add_argument("--dataset", default=None)
    pd_.set_defaults(func=cmd_data)
    pl = sub.add_parser("list-icbs", help="list the 42 ICBs and their codes")
    pl.set_defaults(func=cmd_list_icbs)
    pn = sub.add_parser("bench", help="time cold, no-op and one-input-change builds")
    pn.add_argument("--icb", default=geography.DEFAULT_ICB)
    pn.add_argument("--all", action="store_true", help="benchmark the all-ICB build")
    pn.add_argument("--limit", type=int, default=None, help="with --all: only the first N ICBs")
    pn.add_argument("--jobs", type=int, default=None)
    pn.add_argument(
        "--skip-reference", action="store_true", help="skip the Jupyter Book own-execution reference timing"
    )
    pn.set_defaults(func=cmd_bench)
    pp = sub.add_parser("preview", help="serve the book on 127.0.0.1 and rebuild it when a notebook or module is saved")
    pp.add_argument("--icb", default=geography.DEFAULT_ICB, help="as for build")
    pp.add_argument("--imd-version", default=b.DEFAULT_IMD_VERSION)
    pp.add_argument(
        "--chapter", default=None, help="only this chapter (its id in book/chapters.yml), for faster rebuilds"
    )
    pp.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 = any free port)")
    pp.add_argument("--jobs", type=int, default=None)
    pp.set_defaults(func=cmd_preview)
    pc = sub.add_parser("check", help="compute every chapter's headline figures for all 42 ICBs and check them")
    pc.add_argument("--imd-version", default=b.DEFAULT_IMD_VERSION)
    pc.set_defaults(func=cmd_check)
    return p


def _errors() -> tuple[type[BaseException], ...]:
    """Errors a user can cause or meet; each carries a message written for them."""
    from . import datacmd, sources
    from .load._base import LoaderError
    from .report import ImplausibleValueError
    from .stats import StatsInputError

    return (
        b.ParameterError,
        geography.UnknownICBError,
        sources.DataSourceError,
        LoaderError,
        datacmd.DataCommandError,
        StatsInputError,
        ImplausibleValueError,
    )


_HINTS = {
    "DataSourceError": "Check the data mirror (ANALYSIS_DATA_MIRROR) or run `python -m analysis data status`.",
    "LoaderError": "The file does not have the shape the book expects; compare it with the publisher's layout.",
    "DataCommandError": "Nothing was changed.",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser().parse_args(argv)
    args.argv = argv
    try:
        return args.func(args)
    except b.BuildError as exc:
        if args.debug:
            raise
        print(f"\nBUILD FAILED\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted; the last good site and the cache are intact.", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug or not isinstance(exc, _errors()):
            if not args.debug:
                print(
                    f"error: unexpected {type(exc).__name__}: {exc}\n(run again with --debug for the "
                    "traceback, and report it)",
                    file=sys.stderr,
                )
                return 1
            raise
        hint = _HINTS.get(type(exc).__name__, "")
        text = str(exc).rstrip()
        # One line where the message is one line (the hint joins it); multi-line messages (the
        # places a data file was looked for) keep their layout.
        print(f"error: {text}" + (("\n" if "\n" in text else " ") + hint if hint else ""), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
