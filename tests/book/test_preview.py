"""The preview loop (python -m analysis preview): serves the book on 127.0.0.1, rebuilds when a
notebook is saved, and open pages learn of the rebuild. A tiny book named by ANALYSIS_BOOK_SPEC."""

from __future__ import annotations

import re
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis import preview, sources

pytestmark = pytest.mark.xdist_group("build")


def _notebook(path: Path, sentence: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('icb_code = "QGH"\nimd_version = 2019\ndata_dir = "data/tiny"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# Tiny chapter\n\n{sentence}"),
        params,
        nbformat.v4.new_code_cell("print('computed', 6 * 7)"),
    ]
    nbformat.write(nb, path)


def _get(url: str) -> str:
    return urllib.request.urlopen(url, timeout=10).read().decode("utf-8")


def test_preview_serves_and_rebuilds_on_save(tmp_path, monkeypatch, mirror):
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.delenv("ANALYSIS_INPUTS_LOG", raising=False)
    sources._load_manifest.cache_clear()
    nb = tmp_path / "tiny.ipynb"
    _notebook(nb, "The sentence before the edit.")
    spec = tmp_path / "chapters.yml"
    spec.write_text(yaml.safe_dump({"chapters": [{"id": "tiny", "title": "Tiny chapter", "notebook": str(nb)}]}))
    monkeypatch.setenv("ANALYSIS_BOOK_SPEC", str(spec))
    monkeypatch.setattr(preview, "POLL_SECONDS", 0.1)

    lines: list[str] = []
    done: dict = {}
    stop = threading.Event()
    thread = threading.Thread(
        target=lambda: done.setdefault("rc", preview.preview("QGH", port=0, n_jobs=1, log=lines.append, stop=stop))
    )
    thread.start()
    deadline = time.time() + 300
    while not any("Previewing" in line for line in lines):
        assert thread.is_alive() and time.time() < deadline, "\n".join(lines)
        time.sleep(0.2)
    base = re.search(r"(http://127\.0\.0\.1:\d+/)", next(line for line in lines if "Previewing" in line)).group(1)
    assert base.startswith("http://127.0.0.1:")

    page = _get(base + "tiny.html")
    assert "The sentence before the edit." in page and "computed 42" in page
    assert preview.VERSION_PATH in page  # the reload script
    version = _get(base + preview.VERSION_PATH.lstrip("/"))

    _notebook(nb, "The sentence after the edit.")
    while "The sentence after the edit." not in _get(base + "tiny.html"):
        assert time.time() < deadline, "\n".join(lines)
        time.sleep(0.2)
    # Open pages reload: the build number they poll changes once the rebuild is published.
    while _get(base + preview.VERSION_PATH.lstrip("/")) == version:
        assert time.time() < deadline, "\n".join(lines)
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=60)
    assert done.get("rc") == 0
    # The Markdown edit re-used the executed notebook.
    assert lines[-1].endswith("(0 chapter(s) executed)."), "\n".join(lines)
    assert (tmp_path / "build" / "preview" / "html" / "tiny.html").exists()  # its own build folder
