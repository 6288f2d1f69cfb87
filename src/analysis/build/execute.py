"""Notebook execution: run the chapters that missed the cache with papermill, in parallel.

Each chapter runs in its own work folder (see :mod:`.cache`) with one kernel; the files it
reads are recorded through ANALYSIS_INPUTS_LOG (written by :mod:`analysis.sources`) and become
part of its cache key. Misses run in a bounded process pool, longest first, with one retry if a
kernel fails to start. The executed copy is post-processed for readers: parameter cells
dropped, code hidden, stderr and warnings removed.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat

from ..paths import ROOT
from .cache import (
    OWNER_FILE,
    ChapterResult,
    cache_lookup,
    last_seconds,
    new_work_folder,
    notebook_cache_dir,
    pre_key,
    store,
)
from .spec import BookSpec, BuildError, ChapterSpec, Params


def _postprocess(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Hide code from readers: drop parameter cells, hide inputs, drop stderr and warnings."""
    keep = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters"}:
            continue
        if cell.cell_type == "code":
            tags.add("remove-input")
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    continue
                if out.get("output_type") == "error":
                    continue
                outputs.append(out)
            cell.outputs = outputs
            if not outputs:
                tags.add("remove-cell")
            cell.metadata["tags"] = sorted(tags)
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
        keep.append(cell)
    nb.cells = keep
    nb.metadata.pop("papermill", None)
    return nb


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _cell_of_error(nb_path: Path) -> tuple[int | None, str]:
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:
        return None, ""
    code_i = 0  # numbered as in the source notebook: papermill's injected cell is not counted
    for cell in nb.cells:
        if cell.cell_type != "code" or "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        code_i += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = cell.source.strip().splitlines()[:1]
                return code_i, (first[0] if first else "")
    return None, ""


#: How chapters are executed: "warm" (forks of a process that imported everything once: see
#: :mod:`.warm`) or "kernel" (papermill, a fresh Jupyter kernel per notebook). Both produce the
#: same executed notebook and outputs (tests/book/test_engines.py).
ENGINES = ("warm", "kernel")


def default_engine() -> str:
    engine = os.environ.get("ANALYSIS_ENGINE", "warm")
    if engine not in ENGINES:
        raise BuildError(f"ANALYSIS_ENGINE={engine!r}: choose one of {', '.join(ENGINES)}")
    return engine


def execute_chapter(
    chapter: ChapterSpec, params: Params, attempt_retry: bool = True, engine: str = "kernel"
) -> ChapterResult:
    """Run one chapter into a fresh folder (papermill in a new kernel, or in this process for the
    warm engine), then move it into the cache atomically."""
    if engine == "warm":
        return _execute_in_process(chapter, params)
    import papermill as pm

    t0, pre, work, log, out_nb = _start(chapter, params)
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        for attempt in (1, 2):
            try:
                pm.execute_notebook(
                    str(chapter.notebook),
                    str(out_nb),
                    parameters=params.for_chapter(chapter),
                    cwd=str(work),
                    kernel_name="python3",
                    progress_bar=False,
                    log_output=False,
                    report_mode=True,
                    request_save_on_cell_execute=False,
                    start_timeout=120,
                )
                break
            except pm.PapermillExecutionError as exc:
                (work / OWNER_FILE).write_text("failed\n", encoding="utf-8")  # keep for inspection
                cell, first_line = _cell_of_error(out_nb)
                where = f"code cell {cell} (starting {first_line!r})" if cell else f"cell {exc.exec_count}"
                raise BuildError(
                    f"Chapter {chapter.id!r} ({_rel(chapter.notebook)}) failed in {where}:\n"
                    f"  {exc.ename}: {exc.evalue}\n  executed copy kept for inspection: {out_nb}"
                ) from None
            except (RuntimeError, TimeoutError) as exc:
                # A kernel that dies or times out while starting (start-up races under load)
                # gets one more try; anything else is a real failure.
                if attempt == 2 or not attempt_retry or "kernel" not in str(exc).lower():
                    raise BuildError(f"Chapter {chapter.id!r}: the notebook kernel failed: {exc}") from exc
                time.sleep(1.0)
    finally:
        os.environ.pop("ANALYSIS_INPUTS_LOG", None)
    return _finish(chapter, params, work, pre, log, out_nb, t0)


def _start(chapter: ChapterSpec, params: Params) -> tuple[float, str, Path, Path, Path]:
    """A chapter run's start, for both engines: its time, pre-key, fresh work folder, the inputs
    log the resolver writes to (through ANALYSIS_INPUTS_LOG) and the executed notebook's path."""
    t0 = time.perf_counter()
    pre = pre_key(chapter, params)
    work = new_work_folder(chapter)
    log = work / "inputs.log"
    log.touch()
    os.environ["ANALYSIS_INPUTS_LOG"] = str(log)
    return t0, pre, work, log, work / "notebook.ipynb"


def _execute_in_process(chapter: ChapterSpec, params: Params) -> ChapterResult:
    """The warm engine's body, run in a forked child (:mod:`.warm`)."""
    from .inprocess import CellError, execute_notebook

    t0, pre, work, log, out_nb = _start(chapter, params)
    try:
        execute_notebook(chapter.notebook, out_nb, params.for_chapter(chapter), work)
    except CellError as exc:
        (work / OWNER_FILE).write_text("failed\n", encoding="utf-8")  # keep for inspection
        raise BuildError(
            f"Chapter {chapter.id!r} ({_rel(chapter.notebook)}) failed in code cell {exc.cell} "
            f"(starting {exc.first_line!r}):\n  {exc.ename}: {exc.evalue}\n  executed copy kept for inspection: {out_nb}"
        ) from None
    finally:
        os.environ.pop("ANALYSIS_INPUTS_LOG", None)
    return _finish(chapter, params, work, pre, log, out_nb, t0)


def _chapter_job(job: dict) -> dict:
    """A warm-engine job (run in a forked child by :mod:`.warm`): one chapter for one ICB."""
    res = _execute_in_process(job["chapter"], job["params"])
    return {"entry": str(res.entry), "seconds": res.seconds}


def _finish(
    chapter: ChapterSpec, params: Params, work: Path, pre: str, log: Path, out_nb: Path, t0: float
) -> ChapterResult:
    """Record the inputs read, keep what the chapter wrote to stderr (warnings) in the entry's
    warnings.log for analysts, post-process the executed notebook and store the entry."""
    inputs = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        label, _, sha = line.partition("\t")
        if label:
            inputs[label] = sha
    nb = nbformat.read(out_nb, as_version=4)
    warnings = "".join(
        out.get("text", "")
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    )
    if warnings:
        (work / "warnings.log").write_text(warnings, encoding="utf-8")
    nbformat.write(_postprocess(nb), out_nb)
    seconds = time.perf_counter() - t0
    (work / "meta.json").write_text(
        json.dumps(
            {
                "chapter": chapter.id,
                "params": params.for_chapter(chapter),
                "inputs": inputs,
                "seconds": round(seconds, 2),
                "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "warnings": bool(warnings),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    entry = store(work, chapter, pre, inputs)
    return ChapterResult(chapter, entry, True, seconds)


def _run_one(args: tuple[ChapterSpec, Params]) -> ChapterResult:
    """Worker-process entry point. The kernel's own stderr (start-up chatter such as ipykernel's
    transport warning) goes to a log file, not the build's progress output; anything a cell
    prints is captured in the notebook itself."""
    chapter, params = args
    log_dir = notebook_cache_dir() / ".logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    saved = os.dup(2)
    with open(log_dir / f"{chapter.id}-{params.icb.ods_code}.stderr.log", "w") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            return execute_chapter(chapter, params)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _prepare(names: Iterable[str], log: Callable[[str], None]) -> None:
    """Warm shared derived tables once, before chapters run in parallel."""
    for name in names:
        mod, _, fn = name.partition(":")
        t0 = time.perf_counter()
        getattr(importlib.import_module(mod), fn)()
        log(f"  prepared {name} in {time.perf_counter() - t0:.1f}s")


def run_chapters(
    book: BookSpec,
    jobs: list[Params],
    n_jobs: int,
    log: Callable[[str], None],
    force: bool = False,
    engine: str | None = None,
    stats: dict | None = None,
) -> dict[tuple[str, str], ChapterResult]:
    """Execute (or fetch from cache) every chapter for every parameter set. ``stats``, if given,
    receives how many kernels were started or processes forked."""
    engine = engine or default_engine()
    if engine not in ENGINES:
        raise BuildError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    results: dict[tuple[str, str], ChapterResult] = {}
    todo: list[tuple[ChapterSpec, Params]] = []
    for params in jobs:
        for ch in book.chapters:
            hit = None if force else cache_lookup(ch, params)
            if hit is not None:
                results[(params.icb.ods_code, ch.id)] = ChapterResult(ch, hit, False, 0.0)
            else:
                todo.append((ch, params))
    n_cached = len(results)
    log(f"Chapters: {n_cached} up to date, {len(todo)} to run (up to {n_jobs} at a time).")
    if not todo:
        return results
    if n_jobs > 1:
        # One BLAS/OpenMP thread per process: parallel chapters on few cores otherwise
        # oversubscribe them and each runs slower.
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
    zygote = None
    if engine == "warm":
        # Start the zygote first: its imports overlap the prepare step below (the zygote is
        # waited for only when the chapters are handed to it).
        from .warm import Zygote, chapter_modules

        zygote = Zygote(n_jobs, chapter_modules([c.id for c in book.chapters]))
    try:
        if book.prepare:
            _prepare(book.prepare, log)
        # Longest first (by the last recorded run of each chapter): fewer idle workers at the end.
        todo.sort(key=lambda item: -last_seconds(item[0]))
        if zygote is not None:
            errors = _run_warm(zygote, todo, results, log)
            if stats is not None:
                stats.update(
                    {
                        "engine": engine,
                        "forks": zygote.forks,
                        "kernels": 0,
                        "zygote_start_seconds": round(zygote.start_seconds or 0, 2),
                    }
                )
        else:
            errors = _run_kernels(todo, n_jobs, results, log)
            if stats is not None:
                stats.update({"engine": engine, "forks": 0, "kernels": len(todo)})
    finally:
        if zygote is not None:
            zygote.close()
    if zygote is not None:
        log(
            f"Engine warm: {zygote.forks} chapter run(s) forked from one process that imported everything "
            f"once (ready {zygote.start_seconds or 0:.1f}s after it started); 0 kernels started."
        )
        if zygote.prepared:
            calls = sum(p["calls"] for p in zygote.prepared)
            secs = sum(p["seconds"] for p in zygote.prepared)
            log(
                f"  National tables computed once for the later ICBs of {len(zygote.prepared)} chapter(s): "
                f"{calls} call(s) in {secs:.1f}s."
            )
    else:
        log(f"Engine kernel: {len(todo)} fresh Jupyter kernel(s) started, one per chapter run.")
    if errors:
        raise BuildError("\n\n".join(errors))
    return results


def _progress(log, done: int, total: int, params: Params, ch: ChapterSpec, res: ChapterResult | None) -> None:
    if res is None:
        log(f"  [{done}/{total}] {params.icb.ods_code} {ch.id}: FAILED")
    else:
        log(f"  [{done}/{total}] {params.icb.ods_code} {ch.id}: executed in {res.seconds:.1f}s")


def _run_warm(zygote, todo: list[tuple[ChapterSpec, Params]], results: dict, log) -> list[str]:
    import uuid

    base = notebook_cache_dir() / ".work"
    base.mkdir(parents=True, exist_ok=True)
    jobs = []
    for ch, params in todo:
        jid = uuid.uuid4().hex[:10]
        jobs.append(
            {
                "id": jid,
                "chapter": ch,
                "params": params,
                "run": _chapter_job,
                "group": ch.id,  # runs of one chapter share its national tables (warm.prepare_calls)
                "outcome": str(base / f".outcome-{os.getpid()}-{jid}.json"),
                "stderr_log": str(notebook_cache_dir() / ".logs" / f"{ch.id}-{params.icb.ods_code}.stderr.log"),
            }
        )
    errors: list[str] = []
    for done, (job, outcome) in enumerate(zygote.run(jobs), 1):
        ch, params = job["chapter"], job["params"]
        Path(job["outcome"]).unlink(missing_ok=True)
        if outcome.get("ok"):
            res = ChapterResult(ch, Path(outcome["entry"]), True, float(outcome["seconds"]))
            results[(params.icb.ods_code, ch.id)] = res
            _progress(log, done, len(jobs), params, ch, res)
        else:
            msg = outcome.get("error", "failed")
            errors.append(
                msg if outcome.get("kind") == "BuildError" else f"Chapter {ch.id!r} for {params.icb.ods_code}: {msg}"
            )
            _progress(log, done, len(jobs), params, ch, None)
    return errors


def _run_kernels(todo: list[tuple[ChapterSpec, Params]], n_jobs: int, results: dict, log) -> list[str]:
    errors: list[str] = []
    done = 0
    with cf.ProcessPoolExecutor(max_workers=max(1, n_jobs)) as pool:
        futures = {pool.submit(_run_one, item): item for item in todo}
        for fut in cf.as_completed(futures):
            ch, params = futures[fut]
            done += 1
            try:
                res = fut.result()
            except BuildError as exc:
                errors.append(str(exc))
                _progress(log, done, len(todo), params, ch, None)
                continue
            except Exception as exc:  # a crash in the worker itself
                errors.append(f"Chapter {ch.id!r} for {params.icb.ods_code}: {type(exc).__name__}: {exc}")
                _progress(log, done, len(todo), params, ch, None)
                continue
            results[(params.icb.ods_code, ch.id)] = res
            _progress(log, done, len(todo), params, ch, res)
    return errors
