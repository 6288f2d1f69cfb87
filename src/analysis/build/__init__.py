"""Parameters -> papermill (parallel, cached) -> Jupyter Book -> a site swapped in on success.

The build, for one ICB, one module per step:

1. :mod:`.spec`: the chapters (``book/chapters.yml``) and the parameters (ICB, IMD version),
   validated before anything runs; papermill only ever receives values from fixed lists, so no
   parameter can inject code into a notebook.
2. :mod:`.cache`: for each chapter, look up the execution cache. The key covers the notebook's
   code cells (not its Markdown, which is taken from the source at step 4), its parameters, the package code and the sha256 of every input file the notebook
   read the last time it ran (recorded by :mod:`analysis.sources`). Unchanged chapters are not
   re-run; a chapter whose input changed is.
3. :mod:`.execute`: warm the shared derived tables once (``prepare`` in ``book/chapters.yml``),
   then run the misses in a bounded process pool, one kernel each, with one retry if a kernel
   fails to start.
4. :mod:`.assemble`: write the book source (front matter + executed notebooks with code hidden
   and the parameters cells removed, their Markdown taken from the source notebooks).
5. :mod:`.publish`: run Jupyter Book with execution off and warnings as errors, copy the HTML
   and each chapter's CSV/JSON/PNG outputs into a new site folder, check it, and swap the
   published symlink to it atomically. A failure anywhere leaves the last good site.

:func:`build_books` runs the steps; the names below are the public API (``cli``, ``compare``,
``bench`` and the tests use them through ``analysis.build``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ..paths import ROOT
from .assemble import assemble, chapter_page, datasets_read, display_params, git_commit, plain_text
from .cache import (
    OWNER_FILE,
    STALE_WORK_AGE,
    ChapterResult,
    cache_lookup,
    clean_stale_work,
    current_input_shas,
    full_key,
    notebook_cache_dir,
    notebook_source_hash,
    pre_key,
)
from .execute import (  # noqa: F401 - tests use build._postprocess
    ENGINES,
    _postprocess,
    default_engine,
    execute_chapter,
    run_chapters,
)
from .publish import (
    build_dir,
    compile_books,
    default_target,
    jupyter_book_build,
    jupyter_book_build_in_process,
    publish,
    site_key_for,
    swap_symlink,
)
from .spec import (
    DEFAULT_IMD_VERSION,
    IMD_VERSIONS,
    BookSpec,
    BuildError,
    ChapterSpec,
    ParameterError,
    Params,
    load_book_spec,
    reference_date,
    validate_params,
)


@dataclass
class BuildReport:
    target: Path
    executed: int
    cached: int
    seconds: float
    compiled: bool


def build_lock() -> FileLock:
    build_dir().mkdir(parents=True, exist_ok=True)
    return FileLock(str(build_dir() / ".build.lock"))


def _report(
    params: Params, targets: dict[str, Path], results: dict, book: BookSpec, t0: float, compiled: bool
) -> BuildReport:
    code = params.icb.ods_code
    executed = sum(1 for ch in book.chapters if results[(code, ch.id)].executed)
    return BuildReport(targets[code], executed, len(book.chapters) - executed, time.perf_counter() - t0, compiled)


def build_books(
    params_list: list[Params],
    *,
    targets: dict[str, Path],
    n_jobs: int = 2,
    log: Callable[[str], None] = print,
    force: bool = False,
    book: BookSpec | None = None,
    compile_in_process: bool = False,
) -> list[BuildReport]:
    """Build one book per parameter set; each published at ``targets[ods_code]``.

    ``compile_in_process`` runs Jupyter Book in this process (the preview loop, one ICB at a
    time) instead of as a command.
    """
    compile_html = jupyter_book_build_in_process if compile_in_process else jupyter_book_build
    book = book or load_book_spec()
    lock = build_lock()
    try:
        lock.acquire(timeout=5)
    except Timeout:
        log("Another build is running in this checkout; waiting for it to finish ...")
        lock.acquire(timeout=3600)
    try:
        t0 = time.perf_counter()
        clean_stale_work(log)
        results = run_chapters(book, params_list, n_jobs, log, force=force)

        def stage_one(params: Params) -> tuple[Params, Path, str, BuildReport | None]:
            """Assemble the book's sources; a report already when the published book is current."""
            code = params.icb.ods_code
            stage = build_dir() / "stage" / f"{code}-imd{params.imd_version}"
            assemble(book, params, results, stage)
            key = site_key_for(results, book, params, stage)
            target = targets[code]
            info = target / "build-info.json"
            if target.exists() and info.exists() and json.loads(info.read_text()).get("site_key") == key:
                log(f"{params.icb.short_name}: the book is up to date.")
                return params, stage, key, _report(params, targets, results, book, t0, False)
            return params, stage, key, None

        def publish_one(params: Params, html: Path, key: str) -> BuildReport:
            publish(html, results, book, params, targets[params.icb.ods_code], key)
            return _report(params, targets, results, book, t0, True)

        def jb_out(params: Params) -> Path:
            return build_dir() / "jb" / f"{params.icb.ods_code}-imd{params.imd_version}"

        staged = [stage_one(p) for p in params_list]
        todo = [(p, stage, key) for p, stage, key, report in staged if report is None]
        compiled: dict[str, BuildReport] = {}
        if len(todo) <= 1 or compile_in_process:
            for params, stage, key in todo:
                log(f"{params.icb.short_name}: compiling the book ...")
                compiled[params.icb.ods_code] = publish_one(params, compile_html(stage, jb_out(params), log), key)
        else:
            # Many books: each compiled in a fork of one process that imported Sphinx, Jupyter
            # Book and the theme once (Sphinx's registries are process-wide, so one book per
            # process; the fork gives that without paying the imports for every book).
            log(f"Compiling {len(todo)} books, up to {n_jobs} at a time ...")
            for params, html, key in compile_books(todo, jb_out, n_jobs, log):
                compiled[params.icb.ods_code] = publish_one(params, html, key)
        return [report or compiled[params.icb.ods_code] for params, _, _, report in staged]
    finally:
        lock.release()


__all__ = [
    "BookSpec",
    "BuildError",
    "BuildReport",
    "ChapterResult",
    "ChapterSpec",
    "DEFAULT_IMD_VERSION",
    "ENGINES",
    "IMD_VERSIONS",
    "OWNER_FILE",
    "ParameterError",
    "Params",
    "ROOT",
    "STALE_WORK_AGE",
    "assemble",
    "build_books",
    "build_dir",
    "build_lock",
    "cache_lookup",
    "chapter_page",
    "clean_stale_work",
    "current_input_shas",
    "datasets_read",
    "default_target",
    "default_engine",
    "display_params",
    "execute_chapter",
    "full_key",
    "git_commit",
    "jupyter_book_build",
    "jupyter_book_build_in_process",
    "load_book_spec",
    "notebook_cache_dir",
    "notebook_source_hash",
    "plain_text",
    "pre_key",
    "publish",
    "run_chapters",
    "site_key_for",
    "swap_symlink",
    "reference_date",
    "validate_params",
]
