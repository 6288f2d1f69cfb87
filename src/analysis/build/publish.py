"""Publishing: compile the assembled source with Jupyter Book and swap the new site in.

The HTML and each chapter's CSV/JSON/PNG outputs are copied into a new folder under
``.sites/``, checked (every chapter has its page), and the published path (a symlink) is
swapped to it with one atomic rename. A failure anywhere leaves the last good site. The site
key (:func:`site_key_for`) lets an unchanged book skip Jupyter Book altogether.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from .. import paths
from .assemble import git_commit
from .cache import _sha
from .spec import BookSpec, BuildError, Params


def build_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_BUILD_DIR", paths.BUILD_DIR))


def default_target() -> Path:
    return build_dir() / "html"


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
    _sync_static(stage / "_static", html / "_static")
    return html


def jupyter_book_build_in_process(stage: Path, out: Path, log: Callable[[str], None]) -> Path:
    """The Sphinx build that ``jupyter-book build`` runs (:func:`jupyter_book.sphinx.build_sphinx`
    with the stage's _toc.yml and _config.yml, warnings as errors, into the same folders), run in
    this process. For the preview loop: Sphinx, the extensions and their imports load once, and
    Sphinx's saved environment means a rebuild reads only the pages that changed. Not for
    parallel use (docutils' registries are process-wide)."""
    from jupyter_book.sphinx import build_sphinx

    html = out / "_build" / "html"
    messages = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stderr(messages), contextlib.redirect_stdout(messages):
        result = build_sphinx(
            stage,
            html,
            use_external_toc=True,
            noconfig=True,
            path_config=stage / "_config.yml",
            # A fresh templates_path: the themes append to the list, and Sphinx's
            # default is one list per process, so it would grow with every build,
            # change the config's hash and make Sphinx rewrite every page.
            confoverrides={
                "external_toc_path": (stage / "_toc.yml").as_posix(),
                "latex_individualpages": False,
                "templates_path": [],
            },
            builder="html",
            warningiserror=True,
            keep_going=True,
            quiet=True,
        )
    if isinstance(result, Exception) or result or not (html / "index.html").exists():
        tail = "\n".join(messages.getvalue().strip().splitlines()[-40:])
        raise BuildError(f"Jupyter Book failed ({result!r}); the previous site is untouched.\n{tail}")
    log(f"  Jupyter Book compiled the HTML in {time.perf_counter() - t0:.1f}s")
    _sync_static(stage / "_static", html / "_static")
    return html


#: What a compiling process imports once before it forks a child per book.
COMPILE_PRELOAD = (
    "jupyter_book.sphinx",
    "sphinx.application",
    "sphinx_book_theme",
    "myst_nb",
    "sphinx_togglebutton",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_comments",
    "sphinx_external_toc",
    "sphinx_thebe",
    "sphinx_multitoc_numbering",
    "sphinxcontrib.bibtex",
    "analysis.sphinx_a11y",
    "analysis.build.publish",
)


def _compile_job(job: dict) -> dict:
    """One book compiled in a forked child (:mod:`.warm`)."""
    lines: list[str] = []
    html = jupyter_book_build_in_process(Path(job["stage"]), Path(job["out"]), lines.append)
    return {"html": str(html), "log": lines}


def compile_books(todo: list, jb_out: Callable, n_jobs: int, log: Callable[[str], None]):
    """Compile many books, each in a fork of one process that imported Sphinx and Jupyter Book
    once; yields (params, html folder, site key) as books finish. ``todo``: (params, stage, key)."""
    from .cache import notebook_cache_dir
    from .warm import Zygote

    base = notebook_cache_dir() / ".work"
    base.mkdir(parents=True, exist_ok=True)
    jobs, by_id = [], {}
    for params, stage, key in todo:
        jid = uuid.uuid4().hex[:10]
        code = params.icb.ods_code
        jobs.append(
            {
                "id": jid,
                "run": _compile_job,
                "stage": str(stage),
                "out": str(jb_out(params)),
                "outcome": str(base / f".outcome-{os.getpid()}-{jid}.json"),
                "stderr_log": str(notebook_cache_dir() / ".logs" / f"compile-{code}.stderr.log"),
            }
        )
        by_id[jid] = (params, key)
    zygote = Zygote(n_jobs, list(COMPILE_PRELOAD))
    errors = []
    try:
        for job, outcome in zygote.run(jobs):
            Path(job["outcome"]).unlink(missing_ok=True)
            params, key = by_id[job["id"]]
            if not outcome.get("ok"):
                errors.append(f"{params.icb.short_name}: {outcome.get('error', 'failed')}")
                continue
            for line in outcome.get("log", []):
                log(f"{params.icb.short_name}: {line.strip()}")
            yield params, Path(outcome["html"]), key
    finally:
        zygote.close()
    if errors:
        raise BuildError("\n\n".join(errors))


def _sync_static(src: Path, dest: Path) -> None:
    """Copy the book's own static files (book.css, ...) into the compiled HTML. Sphinx copies
    static files only when at least one page is out of date ("no targets are out of date"
    returns early), so a change to the stylesheet alone would never reach the site."""
    if not src.is_dir():
        return
    for f in src.rglob("*"):
        if f.is_file():
            target = dest / f.relative_to(src)
            if not target.exists() or target.read_bytes() != f.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, target)


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
    (new / "build-info.json").write_text(
        json.dumps(
            {
                "site_key": site_key,
                "icb": params.icb.ods_code,
                "imd_version": params.imd_version,
                "commit": git_commit(),
                "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
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
    # The chapter pages too: their Markdown comes from the source notebooks, so a text edit
    # changes the page without changing the cache entry.
    pages = sorted(stage.glob("*.ipynb")) + sorted(stage.glob("*.md"))
    for f in pages + [stage / "_toc.yml", stage / "_config.yml"]:
        if f.exists():
            parts.append(hashlib.sha256(f.read_bytes()).hexdigest())
    for f in sorted((stage / "_static").rglob("*")) if (stage / "_static").exists() else []:
        if f.is_file():
            parts.append(hashlib.sha256(f.read_bytes()).hexdigest())
    return _sha(*parts)[:24]
