"""The warm engine: one process imports everything once; each chapter runs in a fork of it.

A *zygote* process is started for a build (``multiprocessing``'s spawn context, so it has the
build's environment and nothing else of the parent): it imports the scientific stack, the package
and every chapter module, then waits. For each chapter to run it forks a child, which executes
the notebook in-process (:mod:`.inprocess`) and stores the result in the cache exactly as the
kernel engine does, then exits. Up to ``n_jobs`` children run at once.

Why a fork per chapter: every chapter starts from the same snapshot (imports done, nothing run),
so no state can pass from one chapter or one ICB to another, including after a failure; that
is the isolation of a fresh kernel, without paying for a kernel start and the imports each time
(about 1.5 s a notebook on two cores, more than half of a short chapter).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

#: Modules the zygote imports before it forks: the heavy ones every chapter needs.
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib",
    "matplotlib.pyplot",
    "geopandas",
    "pandera.pandas",
    "pyarrow.parquet",
    "IPython",
    "myst_nb",
    "papermill.parameterize",
    "papermill.iorw",
    "nbformat",
    "analysis.build.execute",
    "analysis.build.inprocess",
)


def _preload(modules: list[str]) -> None:
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # a chapter without a module of its own, or an optional library


def _child(job: dict) -> int:
    """In the forked child: run one job (``job["run"](job)``, a module-level function the build
    passes, e.g. :func:`analysis.build.execute._chapter_job`, returning a JSON-able dict), write
    the outcome, return the exit status."""
    from .. import sources
    from .spec import BuildError

    sources._read.clear()  # start the inputs record empty: what the zygote read is not this job's
    sources.national_calls.clear()
    log_path = Path(job["stderr_log"])
    log_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    outcome: dict
    try:
        outcome = {"ok": True, **job["run"](job), "national_calls": list(sources.national_calls)}
    except BuildError as exc:
        outcome = {"ok": False, "error": str(exc), "kind": "BuildError"}
    except BaseException as exc:  # a crash of the runner itself
        outcome = {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}",
            "kind": type(exc).__name__,
        }
    tmp = Path(job["outcome"] + ".tmp")
    tmp.write_text(json.dumps(outcome), encoding="utf-8")
    os.replace(tmp, job["outcome"])
    return 0 if outcome["ok"] else 1


def prepare_calls(calls: list) -> tuple[int, int]:
    """Run, in this process, the national calls a chapter run noted (``sources.national_calls``:
    functions whose result is the same for every ICB), so that the chapter's runs for the next
    ICBs, forked from here, find them computed. Returns (calls made, calls skipped or failed).

    A call that cannot be made here (a function not at module level, an argument that is not a
    literal) or that fails is skipped: the chapter then computes it itself, as it would have, and
    reports any error in its own run. Warnings are shown nowhere and leave no "already shown"
    record, so a chapter's run shows the same warnings as in a fresh kernel."""
    import ast
    import importlib
    import warnings

    made = skipped = 0
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        for module, qualname, args, kwargs in calls:
            try:
                if "<" in qualname:
                    raise LookupError(qualname)
                fn = importlib.import_module(module)
                for part in qualname.split("."):
                    fn = getattr(fn, part)
                if not hasattr(fn, "cache_clear"):
                    raise LookupError(qualname)  # not a remembered function or a cached table
                fn(*ast.literal_eval(args), **dict(ast.literal_eval(kwargs)))
            except Exception:
                skipped += 1
            else:
                made += 1
    return made, skipped


def _national_calls(job: dict) -> list:
    try:
        return json.loads(Path(job["outcome"]).read_text(encoding="utf-8")).get("national_calls") or []
    except (OSError, ValueError):
        return []


def _prepare_for(job: dict, calls: list, queue: list[dict], prepared: set, conn) -> None:
    """After a chapter's first run ends, compute in the zygote the national calls it noted, if
    the chapter is still to run for other ICBs."""
    group = job.get("group")
    if group is None or group in prepared or not calls or not any(q.get("group") == group for q in queue):
        return
    prepared.add(group)
    t0 = time.perf_counter()
    made, skipped = prepare_calls(calls)
    conn.send(("prepared", {"group": group, "calls": made, "skipped": skipped, "seconds": time.perf_counter() - t0}))


def _zygote(conn, n_jobs: int, preload: list[str]) -> None:
    """The zygote's loop: import once, then fork a child per job, at most ``n_jobs`` at a time,
    and report each child's end to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    running: dict[int, dict] = {}

    def _stop(signum, frame):  # the parent gave up on us (terminate): stop the chapters we run
        for pid in list(running):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os._exit(1)

    signal.signal(signal.SIGTERM, _stop)
    _preload(preload)
    conn.send(("ready", time.time()))  # the wall clock: the parent may read this message later
    queue: list[dict] = []
    prepared: set = set()
    closing = False
    while True:
        while not closing and (conn.poll(0 if running or queue else None)):
            msg = conn.recv()
            if msg is None:
                closing = True
            else:
                queue.append(msg)
        while queue and len(running) < n_jobs:
            job = queue.pop(0)
            pid = os.fork()
            if pid == 0:  # the child: never returns into the zygote's loop
                # Ctrl-C (sent to the whole process group) stops a chapter, as it stops a kernel
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = 1
                try:
                    code = _child(job)
                finally:
                    os._exit(code)
            running[pid] = job
        if not running:
            if closing:
                conn.send(("bye", None))
                return
            continue
        pid, status = os.waitpid(-1, 0)
        job = running.pop(pid, None)
        if job is not None:
            calls = _national_calls(job)  # read before the parent, told it is done, removes the file
            conn.send(("done", {"id": job["id"], "status": os.waitstatus_to_exitcode(status)}))
            while conn.poll(0):  # jobs sent meanwhile count as still to run
                msg = conn.recv()
                if msg is None:
                    closing = True
                else:
                    queue.append(msg)
            _prepare_for(job, calls, queue, prepared, conn)


class Zygote:
    """A build's zygote process: ``run(jobs)`` yields (job, outcome) as chapters finish."""

    def __init__(self, n_jobs: int, preload: list[str]):
        """``preload``: the modules to import before forking (:data:`PRELOAD` and the chapter
        modules for chapters; Sphinx and Jupyter Book for compiling books)."""
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_zygote, args=(child, max(1, n_jobs), list(preload)), daemon=True, name="analysis-zygote"
        )
        self.forks = 0
        #: What the zygote computed once for a chapter's later runs (:func:`_prepare_for`).
        self.prepared: list[dict] = []
        # The zygote imports while the caller goes on (a build's prepare step, say): its first
        # ``run`` waits for it to be ready, not this constructor.
        self._started = time.time()
        self._proc.start()
        #: Seconds from starting the zygote until it had imported everything (known once ready).
        self.start_seconds: float | None = None

    def wait_ready(self) -> None:
        """Wait until the zygote has imported everything (at once if it has)."""
        if self.start_seconds is not None:
            return
        try:
            kind, when = self._conn.recv()
        except EOFError:
            kind, when = None, None
        if kind != "ready":
            self._proc.join(timeout=5)  # it has closed its end: let it finish, to give its exit code
            code = self._proc.exitcode
            raise RuntimeError(f"the warm engine's zygote did not start (exit code {code})")
        self.start_seconds = max(0.0, float(when) - self._started)

    def run(self, jobs: list[dict]) -> Iterator[tuple[dict, dict]]:
        self.wait_ready()
        by_id = {j["id"]: j for j in jobs}
        for j in jobs:
            self._conn.send(j)
        pending = set(by_id)
        while pending:
            kind, msg = self._conn.recv()
            if kind == "prepared":
                self.prepared.append(msg)
            if kind != "done":
                continue
            job = by_id[msg["id"]]
            pending.discard(msg["id"])
            self.forks += 1
            try:
                outcome = json.loads(Path(job["outcome"]).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                outcome = {
                    "ok": False,
                    "kind": "crash",
                    "error": f"the process running it ended with status {msg['status']} before reporting "
                    f"(see {job['stderr_log']})",
                }
            yield job, outcome

    def close(self) -> None:
        try:
            self._conn.send(None)
            self._proc.join(timeout=30)
        except (OSError, EOFError, BrokenPipeError):
            pass
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(timeout=10)


def chapter_modules(chapter_ids: list[str]) -> list[str]:
    """:data:`PRELOAD` and the modules of these chapters (those that have one)."""
    import importlib.util

    out = list(PRELOAD)
    for cid in chapter_ids:
        name = f"analysis.chapters.{cid}"
        if importlib.util.find_spec(name) is not None:
            out.append(name)
    return out


Log = Callable[[str], None]
