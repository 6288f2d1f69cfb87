"""Preview loop for analysts: ``python -m analysis preview --icb QGH [--chapter ID]``.

Builds one ICB's book (or one chapter with the pages around it) into ``_build/preview/``,
serves it on http://127.0.0.1:PORT/, and rebuilds it whenever a chapter notebook, its text twin
(``notebooks/src/<id>.py``), a module of the package or a file of ``book/`` is saved. Open pages
reload themselves after each rebuild.

The rebuild is the ordinary build (:func:`analysis.build.build_books`), so the preview shows
what ``make book`` publishes. A sentence edited in a Markdown cell does not re-run the notebook
(the execution cache is keyed on code cells; see :mod:`analysis.build.cache`), so the page
shows it a few seconds after the save; a code edit re-runs that chapter.

Changes are found by polling modification times (standard library only; no file-system event
API is needed and the same code works on every platform and on network drives).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import build, paths

PACKAGE_DIR = Path(__file__).resolve().parent
#: How often the watcher looks for saved files (seconds).
POLL_SECONDS = 0.3
#: Path the open pages poll for the build number; they reload when it changes.
VERSION_PATH = "/__preview__/version"
_RELOAD_SCRIPT = (
    f"<script>(function(){{var v=null;setInterval(function(){{fetch('{VERSION_PATH}',{{cache:'no-store'}})"
    ".then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t})"
    ".catch(function(){})},700)})();</script>"
)


def watched_files(book: build.BookSpec) -> list[Path]:
    """The files whose saving triggers a rebuild: the chapters' notebooks and text twins, the
    package's modules, the book's own files (chapters.yml, methods, glossary, styles) and the
    Jupyter Book configuration."""
    files: list[Path] = []
    for ch in book.chapters:
        files.append(ch.notebook)
        twin = ch.notebook.parent / "src" / f"{ch.notebook.stem}.py"
        if twin.exists():
            files.append(twin)
    files += sorted(PACKAGE_DIR.rglob("*.py"))
    files += sorted(p for p in paths.BOOK_DIR.rglob("*") if p.is_file())
    files.append(paths.ROOT / "_config.yml")
    return files


def snapshot(files: list[Path]) -> dict[Path, tuple[int, int]]:
    out = {}
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out[f] = (st.st_mtime_ns, st.st_size)
    return out


def sync_twins(changed: list[Path], book: build.BookSpec, log: Callable[[str], None]) -> None:
    """A text twin saved outside Jupyter updates its notebook (as Jupyter would on save)."""
    twins = {ch.notebook.parent / "src" / f"{ch.notebook.stem}.py": ch.notebook for ch in book.chapters}
    for path in changed:
        if path in twins:
            from jupytext.cli import jupytext

            jupytext(["--sync", "--quiet", str(path)])
            log(f"  synced {twins[path].name} from {path.name}")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the published site (the symlink is followed on every request, so a rebuild shows
    at once) and adds the reload script to HTML pages."""

    state: dict = {}

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.path.split("?")[0] == VERSION_PATH:
            # The process id too: after a restart the pages reload even if the count is the same.
            self._send(f"{os.getpid()}-{self.state.get('version', 0)}".encode(), "text/plain")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_text(encoding="utf-8", errors="replace")
            self._send(
                html.replace("</body>", _RELOAD_SCRIPT + "</body>", 1).encode("utf-8"), "text/html; charset=utf-8"
            )
            return
        super().do_GET()


def serve(site: Path, port: int, state: dict) -> http.server.ThreadingHTTPServer:
    """Serve ``site`` on 127.0.0.1:``port`` (0 = any free port) in a background thread."""
    handler = functools.partial(type("Handler", (_Handler,), {"state": state}), directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def preview(
    icb: str,
    imd_version: int | str = build.DEFAULT_IMD_VERSION,
    chapter: str | None = None,
    port: int = 8000,
    n_jobs: int = 2,
    log: Callable[[str], None] = print,
    stop: threading.Event | None = None,
    restart: list[str] | None = None,
) -> int:
    """Build, serve and rebuild on save until interrupted (or until ``stop`` is set).

    ``restart`` is the command line that started the preview: when a module of the package is
    saved, the process replaces itself with a fresh one (``os.execv``), because this process has
    the old code imported (the build itself, and the shared tables it prepares before chapters
    run). Without it, a package edit stops the preview with a message.
    """
    params = build.validate_params(icb, imd_version)
    book = build.load_book_spec()
    if chapter is not None:
        ids = [c.id for c in book.chapters]
        if chapter not in ids:
            raise build.ParameterError(f"Unknown chapter {chapter!r}: choose one of {', '.join(ids)}.")
        book = build.BookSpec([c for c in book.chapters if c.id == chapter], book.prepare)
    # Its own build folder (stage, Jupyter Book's incremental state, site, lock): a preview never
    # disturbs the published book, and `make book` can run beside it. The execution cache is shared.
    os.environ["ANALYSIS_BUILD_DIR"] = str(build.build_dir() / "preview")
    target = build.default_target()
    state = {"version": 0}
    files = watched_files(book)
    seen = snapshot(files)

    def rebuild() -> None:
        t0 = time.perf_counter()
        try:
            report = build.build_books(
                [params],
                targets={params.icb.ods_code: target},
                n_jobs=n_jobs,
                log=log,
                book=book,
                compile_in_process=True,
            )[0]
        except build.BuildError as exc:
            log(f"\nBUILD FAILED (the preview shows the last good build)\n{exc}\n")
            return
        state["version"] += 1
        log(f"Rebuilt in {time.perf_counter() - t0:.1f}s ({report.executed} chapter(s) executed).")

    rebuild()
    if not (target / "index.html").exists():
        return 1
    server = serve(target, port, state)
    log(
        f"Previewing {params.icb.short_name} at http://127.0.0.1:{server.server_address[1]}/ "
        "(rebuilt when a notebook or module is saved; Ctrl-C to stop)"
    )
    try:
        while stop is None or not stop.is_set():
            time.sleep(POLL_SECONDS)
            now = snapshot(files)
            changed = [f for f in now if seen.get(f) != now[f]] + [f for f in seen if f not in now]
            if not changed:
                continue
            time.sleep(POLL_SECONDS)  # let an editor finish writing (several writes per save)
            names = ", ".join(sorted({f.name for f in changed})[:5])
            if any(PACKAGE_DIR in f.parents for f in changed):
                if restart is None:
                    log(f"Saved: {names}: package code changed; start the preview again to use it.")
                    return 3
                log(f"Saved: {names}: package code changed; restarting the preview ...")
                server.shutdown()
                server.server_close()
                os.execv(restart[0], restart)
            log(f"Saved: {names}; rebuilding ...")
            sync_twins(changed, book, log)
            rebuild()
            files = watched_files(book)
            seen = snapshot(files)  # after the sync, so a twin synced here is not seen twice
    except KeyboardInterrupt:
        log("Preview stopped.")
    finally:
        server.shutdown()
    return 0
