"""Parameters -> papermill (parallel, cached) -> Jupyter Book -> a site swapped in on success.

The build, for one ICB:

1. Validate parameters (ICB, IMD version) before anything runs; papermill only ever receives
   values from fixed lists, so no parameter can inject code into a notebook.
2. Warm the shared derived tables once (``prepare`` in ``book/chapters.yml``), so parallel
   chapters read parquet instead of each parsing the same raw files.
3. For each chapter, look up the execution cache. The key covers the notebook's source, its
   parameters, the package code and the sha256 of every input file the notebook read the last
   time it ran (recorded by :mod:`analysis.sources`). Unchanged chapters are not re-run; a chapter
   whose input changed is. Misses run in a bounded process pool, one kernel each, with one
   retry if a kernel fails to start.
4. Assemble the book source (front matter + executed notebooks with code hidden and the
   parameters cells removed) and run Jupyter Book with execution off and warnings as errors.
5. Copy the HTML and each chapter's CSV/JSON/PNG outputs into a new site folder, check it, and
   swap the published symlink to it atomically. A failure anywhere leaves the last good site.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import nbformat
import yaml
from filelock import FileLock, Timeout

from . import __version__, geography, sources
from .load._base import code_fingerprint
from .paths import BOOK_DIR, CACHE_DIR, ROOT

IMD_VERSIONS = (2019, 2025)
DEFAULT_IMD_VERSION = 2019


class BuildError(RuntimeError):
    """The build stopped; the message says which chapter, cell or step, and why."""


class ParameterError(ValueError):
    """A build parameter is not valid; the message lists what is."""


# ----------------------------------------------------------------------------- chapters

@dataclass(frozen=True)
class ChapterSpec:
    id: str
    title: str
    notebook: Path
    imd_dependent: bool = True


@dataclass
class BookSpec:
    chapters: list[ChapterSpec]
    prepare: list[str] = field(default_factory=list)


def load_book_spec(path: Path | None = None) -> BookSpec:
    """The chapters of the book: ``book/chapters.yml``, or the file named by ANALYSIS_BOOK_SPEC
    (tests use it to build a tiny book through the real command line)."""
    env = os.environ.get("ANALYSIS_BOOK_SPEC")
    path = path or (Path(env) if env else BOOK_DIR / "chapters.yml")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    chapters = []
    for c in doc.get("chapters", []):
        nb = ROOT / c["notebook"]
        if not nb.exists():
            raise BuildError(f"{path}: chapter {c['id']!r} names notebook {nb}, which does not exist.")
        chapters.append(ChapterSpec(c["id"], c["title"], nb, bool(c.get("imd_dependent", True))))
    return BookSpec(chapters, list(doc.get("prepare", [])))


# ----------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class Params:
    icb: geography.ICB
    imd_version: int

    def for_chapter(self, chapter: ChapterSpec) -> dict:
        # Only validated values from closed lists reach papermill.
        return {"icb_code": self.icb.ods_code, "imd_version": int(self.imd_version),
                "data_dir": f"data/{chapter.id}"}


def validate_params(icb: str, imd_version: int | str = DEFAULT_IMD_VERSION) -> Params:
    try:
        found = geography.find_icb(icb)
    except geography.UnknownICBError as exc:
        raise ParameterError(str(exc)) from exc
    try:
        v = int(str(imd_version).strip())
    except ValueError:
        v = -1
    if v not in IMD_VERSIONS:
        raise ParameterError(
            f"Invalid IMD version {imd_version!r}: choose one of {', '.join(map(str, IMD_VERSIONS))}."
        )
    return Params(found, v)


# ----------------------------------------------------------------------------- cache keys

def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def notebook_source_hash(nb_path: Path) -> str:
    """Hash of a notebook's cells (sources and cell types only; outputs and ids ignored)."""
    nb = nbformat.read(nb_path, as_version=4)
    cells = [(c.cell_type, c.source, sorted(c.get("metadata", {}).get("tags", []))) for c in nb.cells]
    return _sha(json.dumps(cells))


def pre_key(chapter: ChapterSpec, params: Params) -> str:
    """Key over everything known before execution: notebook, parameters, code, version."""
    return _sha(
        "v1",
        chapter.id,
        notebook_source_hash(chapter.notebook),
        json.dumps(params.for_chapter(chapter), sort_keys=True),
        __version__,
        code_fingerprint(),
    )[:24]


def current_input_shas(labels: Iterable[str]) -> dict[str, str] | None:
    """What each recorded input stands for now (a file's sha256, a dataset's edition selection
    under the current as-of date), or None if one can no longer be resolved."""
    out = {}
    for label in labels:
        value = sources.current_sha(label)
        if value is None:
            return None
        out[label] = value
    return out


def full_key(pre: str, inputs: dict[str, str]) -> str:
    return _sha(pre, json.dumps(sorted(inputs.items())))[:24]


def build_dir() -> Path:
    from . import paths

    return Path(os.environ.get("ANALYSIS_BUILD_DIR", paths.BUILD_DIR))


def notebook_cache_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", CACHE_DIR)) / "notebooks"


@dataclass
class ChapterResult:
    chapter: ChapterSpec
    entry: Path  # cache entry folder: notebook.ipynb, data/, meta.json
    executed: bool
    seconds: float


def cache_lookup(chapter: ChapterSpec, params: Params) -> Path | None:
    pre = pre_key(chapter, params)
    folder = notebook_cache_dir() / chapter.id / pre
    meta_path = folder / "inputs.json"
    if not meta_path.exists():
        return None
    try:
        recorded = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    current = current_input_shas(recorded)
    if current is None:
        return None
    entry = folder / full_key(pre, current)
    if (entry / "meta.json").exists() and (entry / "notebook.ipynb").exists():
        return entry
    return None


# ----------------------------------------------------------------------------- execution

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


def execute_chapter(chapter: ChapterSpec, params: Params, attempt_retry: bool = True) -> ChapterResult:
    """Run one chapter with papermill into a fresh folder, then move it into the cache atomically."""
    import papermill as pm

    t0 = time.perf_counter()
    pre = pre_key(chapter, params)
    root = notebook_cache_dir() / chapter.id / pre
    root.mkdir(parents=True, exist_ok=True)
    work = notebook_cache_dir() / ".work" / f"{chapter.id}-{uuid.uuid4().hex[:8]}"
    (work / "data" / chapter.id).mkdir(parents=True)
    # Who owns this folder: a build killed part-way leaves it behind, and the next build
    # removes it once its owner is gone (see clean_stale_work).
    (work / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")
    log = work / "inputs.log"
    log.touch()
    os.environ["ANALYSIS_INPUTS_LOG"] = str(log)
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["PYTHONWARNINGS"] = "ignore"
    out_nb = work / "notebook.ipynb"
    try:
        for attempt in (1, 2):
            try:
                pm.execute_notebook(
                    str(chapter.notebook), str(out_nb), parameters=params.for_chapter(chapter),
                    cwd=str(work), kernel_name="python3", progress_bar=False, log_output=False,
                    report_mode=True, request_save_on_cell_execute=False, start_timeout=120,
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
    inputs = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        label, _, sha = line.partition("\t")
        if label:
            inputs[label] = sha
    nb = nbformat.read(out_nb, as_version=4)
    nbformat.write(_postprocess(nb), out_nb)
    seconds = time.perf_counter() - t0
    (work / "meta.json").write_text(json.dumps({
        "chapter": chapter.id, "params": params.for_chapter(chapter), "inputs": inputs,
        "seconds": round(seconds, 2), "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }, indent=2), encoding="utf-8")
    key = full_key(pre, inputs)
    entry = root / key
    (work / OWNER_FILE).unlink(missing_ok=True)
    if entry.exists():
        shutil.rmtree(work, ignore_errors=True)  # another build got there first; same key, same content
    else:
        os.replace(work, entry)  # atomic on one filesystem: the entry appears whole or not at all
    tmp = root / f"inputs.json.{uuid.uuid4().hex[:6]}"
    tmp.write_text(json.dumps(sorted(inputs)), encoding="utf-8")
    os.replace(tmp, root / "inputs.json")
    return ChapterResult(chapter, entry, True, seconds)


OWNER_FILE = ".owner"
#: A work folder is removed once it is this old (seconds) whatever its owner file says (a
#: failed chapter's executed copy is kept this long for inspection).
STALE_WORK_AGE = 24 * 3600


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie left by a killed parent is not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def clean_stale_work(log: Callable[[str], None] | None = None) -> list[Path]:
    """Remove work folders left by builds that were killed part-way (SIGKILL, power loss).

    A chapter runs in ``<cache>/notebooks/.work/<chapter>-<id>/`` and is moved into the cache
    with one atomic rename only when it has finished, so a leftover work folder is never read;
    this only reclaims the space. A folder is stale when the process that wrote its owner file
    is no longer running, or when it is older than STALE_WORK_AGE (a failed chapter's folder,
    whose owner file says "failed", is kept that long for inspection).
    """
    base = notebook_cache_dir() / ".work"
    removed: list[Path] = []
    if not base.is_dir():
        return removed
    now = time.time()
    for work in base.iterdir():
        try:
            owner = work / OWNER_FILE
            text = owner.read_text(encoding="utf-8").strip() if owner.exists() else ""
            stale = now - work.stat().st_mtime > STALE_WORK_AGE
            if text.isdigit() and not _pid_alive(int(text)):
                stale = True  # its build was killed
        except (OSError, ValueError):
            continue
        if stale:
            shutil.rmtree(work, ignore_errors=True)
            removed.append(work)
    # Half-written inputs.json files from an interrupted rename.
    for tmp in notebook_cache_dir().glob("*/*/inputs.json.*"):
        try:
            if now - tmp.stat().st_mtime > 60:
                tmp.unlink(missing_ok=True)
        except OSError:
            pass
    if removed and log:
        log(f"  removed {len(removed)} work folder(s) left by an interrupted build")
    return removed


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


def _last_seconds(chapter: ChapterSpec) -> float:
    """Seconds the chapter took the last time it ran (any parameters), or 0 if never."""
    best, newest = 0.0, 0.0
    for meta in (notebook_cache_dir() / chapter.id).glob("*/*/meta.json"):
        try:
            mtime = meta.stat().st_mtime
            if mtime > newest:
                newest, best = mtime, float(json.loads(meta.read_text(encoding="utf-8")).get("seconds", 0))
        except (OSError, ValueError):
            continue
    return best


def _prepare(names: Iterable[str], log: Callable[[str], None]) -> None:
    """Warm shared derived tables once, before chapters run in parallel."""
    import importlib

    for name in names:
        mod, _, fn = name.partition(":")
        t0 = time.perf_counter()
        getattr(importlib.import_module(mod), fn)()
        log(f"  prepared {name} in {time.perf_counter() - t0:.1f}s")


def run_chapters(book: BookSpec, jobs: list[Params], n_jobs: int, log: Callable[[str], None],
                 force: bool = False) -> dict[tuple[str, str], ChapterResult]:
    """Execute (or fetch from cache) every chapter for every parameter set."""
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
    if book.prepare:
        _prepare(book.prepare, log)
    # Longest first (by the last recorded run of each chapter): fewer idle workers at the end.
    todo.sort(key=lambda item: -_last_seconds(item[0]))
    if n_jobs > 1:
        # One BLAS/OpenMP thread per kernel: parallel kernels on few cores otherwise
        # oversubscribe them and each runs slower.
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
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
                log(f"  [{done}/{len(todo)}] {params.icb.ods_code} {ch.id}: FAILED")
                continue
            except Exception as exc:  # a crash in the worker itself
                errors.append(f"Chapter {ch.id!r} for {params.icb.ods_code}: {type(exc).__name__}: {exc}")
                log(f"  [{done}/{len(todo)}] {params.icb.ods_code} {ch.id}: FAILED")
                continue
            results[(params.icb.ods_code, ch.id)] = res
            log(f"  [{done}/{len(todo)}] {params.icb.ods_code} {ch.id}: executed in {res.seconds:.1f}s")
    if errors:
        raise BuildError("\n\n".join(errors))
    return results


# ----------------------------------------------------------------------------- book assembly

def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return  # keep the mtime so Sphinx's incremental build skips the page
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
        commit = out.stdout.strip() or "uncommitted"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return commit + ("+local changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


_MARKUP_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d", "`": "\u2018"})


def plain_text(text: str) -> str:
    """Text from data with the characters that could open a tag or an attribute replaced by
    look-alikes (< > " ` become ‹ › ” ‘). For page and book titles only: the theme
    (pydata / sphinx-book-theme) writes them into the sidebar, the logo and the print header
    without escaping. Everywhere else names are escaped (report.esc, esc_html)."""
    return str(text).translate(_MARKUP_LOOKALIKES)


def display_params(params: Params) -> Params:
    """``params`` with the ICB's names made safe for titles (codes are from closed lists)."""
    icb = params.icb
    safe = dataclasses.replace(icb, name=plain_text(icb.name), region_name=plain_text(icb.region_name))
    return params if safe == icb else Params(safe, params.imd_version)


def assemble(book: BookSpec, params: Params, results: dict, stage: Path) -> list[str]:
    """Write the Jupyter Book source for one ICB into ``stage``; return the page names."""
    from . import frontmatter

    stage.mkdir(parents=True, exist_ok=True)
    pages = []
    headlines = {}
    for ch in book.chapters:
        res = results[(params.icb.ods_code, ch.id)]
        _write_if_changed(stage / f"{ch.id}.ipynb", (res.entry / "notebook.ipynb").read_bytes())
        hp = res.entry / "data" / ch.id / "headline.json"
        if hp.exists():
            headlines[ch.id] = json.loads(hp.read_text(encoding="utf-8"))
        pages.append(ch.id)
    # Names from data reach page titles, which the theme writes into the sidebar and the print
    # header without escaping: give the front matter and the book title markup-free names.
    params = display_params(params)
    front = frontmatter.render_pages(book, params, headlines, commit=git_commit())
    for name, text in front.items():
        _write_if_changed(stage / f"{name}.md", text.encode("utf-8"))
    toc = frontmatter.toc(book, front)
    _write_if_changed(stage / "_toc.yml", yaml.safe_dump(toc, sort_keys=False).encode())
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"] = f"Health inequalities evidence book: {params.icb.short_name}"
    cfg.setdefault("execute", {})["execute_notebooks"] = "off"
    _write_if_changed(stage / "_config.yml", yaml.safe_dump(cfg, sort_keys=False).encode())
    for extra in ("_static",):
        src = BOOK_DIR / extra
        if src.exists():
            for f in src.rglob("*"):
                if f.is_file():
                    _write_if_changed(stage / extra / f.relative_to(src), f.read_bytes())
    # Remove pages that are no longer in the book (a chapter dropped from chapters.yml).
    wanted = {f"{p}.ipynb" for p in pages} | {f"{p}.md" for p in front}
    for f in list(stage.glob("*.ipynb")) + list(stage.glob("*.md")):
        if f.name not in wanted:
            f.unlink()
    return pages + list(front)


def jupyter_book_build(stage: Path, out: Path, log: Callable[[str], None]) -> Path:
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe), "build", str(stage), "--path-output", str(out), "-W", "--keep-going", "--quiet"]
    if not exe.exists():
        cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"] + cmd[1:]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    html = out / "_build" / "html"
    if proc.returncode != 0 or not (html / "index.html").exists():
        tail = "\n".join((proc.stdout + "\n" + proc.stderr).strip().splitlines()[-40:])
        raise BuildError(f"Jupyter Book failed (exit {proc.returncode}); the previous site is untouched.\n{tail}")
    log(f"  Jupyter Book compiled the HTML in {time.perf_counter() - t0:.1f}s")
    return html


def publish(html: Path, results: dict, book: BookSpec, params: Params, target: Path, site_key: str) -> Path:
    """Copy the HTML + chapter data into a new folder and swap ``target`` (a symlink) to it."""
    sites = target.parent / ".sites"
    sites.mkdir(parents=True, exist_ok=True)
    new = sites / f"{target.name}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    shutil.copytree(html, new, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    for ch in book.chapters:
        res = results[(params.icb.ods_code, ch.id)]
        src = res.entry / "data" / ch.id
        if src.exists():
            shutil.copytree(src, new / "data" / ch.id, dirs_exist_ok=True)
        if not (new / f"{ch.id}.html").exists():
            shutil.rmtree(new, ignore_errors=True)
            raise BuildError(f"The built site has no page for chapter {ch.id!r}; the previous site is untouched.")
    (new / "build-info.json").write_text(json.dumps({
        "site_key": site_key, "icb": params.icb.ods_code, "imd_version": params.imd_version,
        "commit": git_commit(), "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }, indent=2), encoding="utf-8")
    swap_symlink(target, new)
    for old in sites.glob(f"{target.name}-*"):
        if old != new and old.resolve() != target.resolve():
            shutil.rmtree(old, ignore_errors=True)
    return target


def swap_symlink(target: Path, new: Path) -> None:
    if target.exists() and not target.is_symlink():
        # A real folder from an older layout: move it aside, then replace.
        aside = target.with_name(target.name + f".old-{uuid.uuid4().hex[:6]}")
        os.replace(target, aside)
        shutil.rmtree(aside, ignore_errors=True)
    tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:6]}")
    os.symlink(os.path.relpath(new, target.parent), tmp)
    os.replace(tmp, target)  # atomic: readers see the old site or the new one


def site_key_for(results: dict, book: BookSpec, params: Params, stage: Path) -> str:
    parts = [json.dumps(params.for_chapter(book.chapters[0]), sort_keys=True)]
    for ch in book.chapters:
        parts.append(results[(params.icb.ods_code, ch.id)].entry.name)
    for f in sorted(stage.glob("*.md")) + [stage / "_toc.yml", stage / "_config.yml"]:
        if f.exists():
            parts.append(hashlib.sha256(f.read_bytes()).hexdigest())
    for f in sorted((stage / "_static").rglob("*")) if (stage / "_static").exists() else []:
        if f.is_file():
            parts.append(hashlib.sha256(f.read_bytes()).hexdigest())
    return _sha(*parts)[:24]


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


def build_books(params_list: list[Params], *, targets: dict[str, Path], n_jobs: int = 2,
                log: Callable[[str], None] = print, force: bool = False,
                book: BookSpec | None = None) -> list[BuildReport]:
    """Build one book per parameter set; each published at ``targets[ods_code]``."""
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

        def compile_one(params: Params) -> BuildReport:
            code = params.icb.ods_code
            stage = build_dir() / "stage" / f"{code}-imd{params.imd_version}"
            assemble(book, params, results, stage)
            key = site_key_for(results, book, params, stage)
            target = targets[code]
            info = target / "build-info.json"
            executed = sum(1 for ch in book.chapters if results[(code, ch.id)].executed)
            cached = len(book.chapters) - executed
            if target.exists() and info.exists() and json.loads(info.read_text()).get("site_key") == key:
                log(f"{params.icb.short_name}: the book is up to date.")
                return BuildReport(target, executed, cached, time.perf_counter() - t0, False)
            log(f"{params.icb.short_name}: compiling the book ...")
            html = jupyter_book_build(stage, build_dir() / "jb" / f"{code}-imd{params.imd_version}", log)
            publish(html, results, book, params, target, key)
            return BuildReport(target, executed, cached, time.perf_counter() - t0, True)

        if len(params_list) == 1:
            return [compile_one(params_list[0])]
        # Jupyter Book is single-threaded: compile several ICBs' books at once.
        with cf.ThreadPoolExecutor(max_workers=max(1, n_jobs)) as pool:
            futures = [pool.submit(compile_one, p) for p in params_list]
            return [f.result() for f in futures]
    finally:
        lock.release()


def default_target() -> Path:
    return build_dir() / "html"


__all__ = [
    "BuildError",
    "ChapterSpec",
    "IMD_VERSIONS",
    "ParameterError",
    "Params",
    "build_books",
    "cache_lookup",
    "clean_stale_work",
    "default_target",
    "load_book_spec",
    "pre_key",
    "validate_params",
]
