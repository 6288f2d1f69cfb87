"""Build faults: a failing chapter, a killed build, two builds at once, a damaged cache entry.

Every test builds a tiny book (one or two small notebooks, listed in a temporary book spec)
into its own ANALYSIS_BUILD_DIR / ANALYSIS_CACHE_DIR, through the same code as the real book:
in-process with ``build.build_books`` or as ``python -m analysis build`` in a subprocess (the
spec named by ANALYSIS_BOOK_SPEC). Nothing here touches the project's _build or data/cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from analysis import build, sources
from analysis.load import _base

pytestmark = pytest.mark.xdist_group("faults")

ROOT = Path(__file__).resolve().parents[2]

#: Text from data that must be shown as text: markup, an ampersand, Markdown emphasis.
HOSTILE = "<script>alert(1)</script> & <b>Trust</b> *x*"


def tiny_notebook(path: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('icb_code = "QGH"\nimd_version = 2019\ndata_dir = "data/tiny"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny chapter"), params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


GOOD_BODY = f"""
import pandas as pd
from analysis.report import Chapter, esc
name = {HOSTILE!r}
ch = Chapter("tiny", data_dir, icb=icb_code)
ch.md(f"The organisation called {{esc(name)}} is named here.")
ch.table(pd.DataFrame({{"Organisation": [name], "Value": [1.5]}}), "orgs",
         caption=f"Values for {{name}}", source=name)
ch.headline("value", 1.5, label="A value", lo=0, hi=10)
ch.save()
"""


def hostile_params() -> build.Params:
    """Real parameters for QGH, but with organisation names that contain markup."""
    icb = build.validate_params("QGH", 2019).icb
    import dataclasses

    bad = dataclasses.replace(icb, name=f"NHS {HOSTILE} Integrated Care Board", region_name=f"Region {HOSTILE}")
    return build.Params(bad, 2019)


def _html_files(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8", errors="replace") for p in site.glob("*.html")}


def _cache_entries(cache: Path) -> list[Path]:
    """Every executed-notebook cache entry (folders two levels under a chapter folder)."""
    nb = cache / "notebooks"
    return [p for p in nb.glob("*/*/*") if p.is_dir() and not p.parts[-3].startswith(".")]


def assert_cache_consistent(cache: Path) -> None:
    for entry in _cache_entries(cache):
        assert (entry / "meta.json").exists() and (entry / "notebook.ipynb").exists(), (
            f"corrupt cache entry {entry}: {sorted(p.name for p in entry.iterdir())}"
        )
        json.loads((entry / "meta.json").read_text())
        nbformat.read(entry / "notebook.ipynb", as_version=4)


@pytest.fixture
def isolated(tmp_path, monkeypatch, mirror):
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.delenv("ANALYSIS_SOURCES", raising=False)
    monkeypatch.delenv("ANALYSIS_INPUTS_LOG", raising=False)
    monkeypatch.delenv("ANALYSIS_BOOK_SPEC", raising=False)
    sources._load_manifest.cache_clear()
    return tmp_path


# ----------------------------------------------------------------------------- in-process book


@pytest.fixture(scope="module")
def good_site(tmp_path_factory, mirror):
    """A tiny book built once with organisation names that contain markup."""
    tmp = tmp_path_factory.mktemp("tiny-book")
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYSIS_BUILD_DIR", str(tmp / "build"))
    mp.setenv("ANALYSIS_CACHE_DIR", str(tmp / "cache"))
    mp.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    mp.delenv("ANALYSIS_SOURCES", raising=False)
    mp.delenv("ANALYSIS_INPUTS_LOG", raising=False)
    sources._load_manifest.cache_clear()
    nb = tiny_notebook(tmp / "tiny.ipynb", GOOD_BODY)
    spec = build.BookSpec([build.ChapterSpec("tiny", "Tiny chapter", nb)])
    params = hostile_params()
    target = tmp / "build" / "html"
    logs: list[str] = []
    build.build_books([params], targets={"QGH": target}, n_jobs=1, log=logs.append, book=spec)
    yield {"tmp": tmp, "target": target, "params": params, "spec": spec, "mp": mp, "logs": logs}
    mp.undo()


def test_names_with_markup_are_text_in_the_built_book(good_site):
    site = good_site["target"]
    pages = _html_files(site)
    assert "tiny.html" in pages and "index.html" in pages
    for name, html in pages.items():
        assert "<script>alert(1)</script>" not in html, f"{name}: markup from data was not escaped"
        assert "<b>Trust</b>" not in html, f"{name}: markup from data was not escaped"
    tiny = pages["tiny.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tiny  # shown as text: sentence, caption, cell
    assert tiny.count("&lt;b&gt;Trust&lt;/b&gt;") >= 3
    assert "*x*" in tiny or "\\*x\\*" in tiny or "<em>x</em>" not in tiny
    # The ICB name (from the ICB lookup) reaches page titles, which the theme does not escape:
    # there it is shown with look-alike characters, never as markup.
    assert "\u2039script\u203aalert(1)\u2039/script\u203a" in pages["index.html"]
    # The CSV keeps the name exactly as published (escaping is for HTML only).
    csv = pd.read_csv(site / "data" / "tiny" / "orgs.csv")
    assert csv.loc[0, "Organisation"] == HOSTILE


def test_failing_chapter_keeps_previous_site_and_names_chapter_and_cell(good_site):
    target = good_site["target"]
    before_link = os.readlink(target)
    before = {n: hashlib.sha256(t.encode()).hexdigest() for n, t in _html_files(target).items()}
    bad = tiny_notebook(
        good_site["tmp"] / "tiny_bad.ipynb",
        GOOD_BODY.replace("ch.save()", "raise RuntimeError('the data changed shape')"),
    )
    spec = build.BookSpec([build.ChapterSpec("tiny", "Tiny chapter", bad)])
    with pytest.raises(build.BuildError) as exc:
        build.build_books([good_site["params"]], targets={"QGH": target}, n_jobs=1, log=lambda m: None, book=spec)
    msg = str(exc.value)
    assert "'tiny'" in msg and "tiny_bad.ipynb" in msg, msg
    assert "code cell 2" in msg and "RuntimeError: the data changed shape" in msg, msg
    assert os.readlink(target) == before_link  # the published symlink was not swapped
    after = {n: hashlib.sha256(t.encode()).hexdigest() for n, t in _html_files(target).items()}
    assert after == before
    assert_cache_consistent(good_site["tmp"] / "cache")


def test_failing_book_compile_keeps_previous_site(good_site, monkeypatch):
    """Jupyter Book itself failing (or a page missing) never swaps the published site."""
    target = good_site["target"]
    before_link = os.readlink(target)

    def broken(stage, out, log):
        raise build.BuildError("Jupyter Book failed (exit 2); the previous site is untouched.")

    monkeypatch.setattr(build, "jupyter_book_build", broken)
    nb2 = tiny_notebook(good_site["tmp"] / "tiny_v2.ipynb", GOOD_BODY + "\nprint('v2')")
    spec = build.BookSpec([build.ChapterSpec("tiny", "Tiny chapter", nb2)])
    with pytest.raises(build.BuildError, match="previous site is untouched"):
        build.build_books([good_site["params"]], targets={"QGH": target}, n_jobs=1, log=lambda m: None, book=spec)
    assert os.readlink(target) == before_link
    assert (target / "index.html").exists()


# ----------------------------------------------------------------------------- killed builds


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc), including kernels in their own session."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def _kill_all(pids: set[int]) -> None:
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _spec_file(tmp: Path, chapters: list[tuple[str, Path]]) -> Path:
    doc = {"prepare": [], "chapters": [{"id": cid, "title": cid.title(), "notebook": str(nb)} for cid, nb in chapters]}
    p = tmp / "chapters.yml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return p


def _cli_env(tmp: Path, spec: Path, mirror: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "ANALYSIS_BUILD_DIR": str(tmp / "build"),
            "ANALYSIS_CACHE_DIR": str(tmp / "cache"),
            "ANALYSIS_BOOK_SPEC": str(spec),
            "ANALYSIS_DATA_MIRROR": str(mirror),
            "PYTHONUNBUFFERED": "1",
        }
    )
    for k in ("ANALYSIS_SOURCES", "ANALYSIS_INPUTS_LOG", "ANALYSIS_NO_TABLE_CACHE"):
        env.pop(k, None)
    return env


def _build_cmd() -> list[str]:
    return [sys.executable, "-m", "analysis", "build", "--icb", "QGH", "--jobs", "1"]


def _sleepy_body(marker: Path) -> str:
    """Sleeps (until killed) the first time it runs; finishes at once when run again."""
    return (
        "import os, time\n"
        f"marker = {str(marker)!r}\n"
        "if not os.path.exists(marker):\n"
        "    open(marker, 'w').close()\n"
        "    for _ in range(600):\n"
        "        time.sleep(0.1)\n"
        "print('chapter done')\n"
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killed_build_leaves_no_corrupt_cache_and_next_build_recovers(sig, tmp_path, mirror):
    marker = tmp_path / "started"
    quick = tiny_notebook(tmp_path / "quick.ipynb", "print('quick chapter')")
    sleepy = tiny_notebook(tmp_path / "sleepy.ipynb", _sleepy_body(marker))
    spec = _spec_file(tmp_path, [("quick", quick), ("sleepy", sleepy)])
    env = _cli_env(tmp_path, spec, mirror)
    proc = subprocess.Popen(
        _build_cmd(),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: set[int] = set()
    try:
        deadline = time.time() + 240
        while not marker.exists():
            assert proc.poll() is None, f"build ended before the chapter started:\n{proc.stdout.read()}"
            assert time.time() < deadline, "the sleeping chapter never started"
            seen |= _descendants(proc.pid)
            time.sleep(0.2)
        time.sleep(0.5)  # the kernel is now inside the sleeping cell
        seen |= _descendants(proc.pid)
        os.killpg(proc.pid, sig)  # what Ctrl-C (SIGINT) or the OOM killer / CI timeout (SIGKILL) does
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        seen |= _descendants(proc.pid)
        _kill_all(seen)  # kernels run in their own session: end the ones this build started
    if sig == signal.SIGINT:
        assert proc.returncode in (130, 1, -signal.SIGINT), out
    else:
        assert proc.returncode == -signal.SIGKILL
    cache = tmp_path / "cache"
    assert_cache_consistent(cache)
    assert not (tmp_path / "build" / "html").exists()  # nothing half-published
    # The next build recovers: it cleans the dead build's work folder, runs and publishes.
    env2 = dict(env)
    again = subprocess.run(_build_cmd(), cwd=ROOT, env=env2, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert (tmp_path / "build" / "html" / "sleepy.html").exists()
    assert_cache_consistent(cache)
    leftovers = (
        [p for p in (cache / "notebooks" / ".work").glob("*")] if (cache / "notebooks" / ".work").exists() else []
    )
    assert leftovers == [], f"stale work folders were not cleaned: {leftovers}"
    # And the one after that is a no-op.
    third = subprocess.run(_build_cmd(), cwd=ROOT, env=env2, capture_output=True, text=True, timeout=600)
    assert third.returncode == 0, third.stdout
    assert (
        "2 up to date, 0 to run" in third.stdout
        or "Nothing changed since the last build of this book: it is up to date." in third.stdout
    ), third.stdout


def test_two_builds_at_once_do_not_corrupt_each_other(tmp_path, mirror):
    nb = tiny_notebook(tmp_path / "tiny.ipynb", GOOD_BODY.replace("name = ", "import time; time.sleep(3)\nname = "))
    spec = _spec_file(tmp_path, [("tiny", nb)])
    env = _cli_env(tmp_path, spec, mirror)
    procs = [
        subprocess.Popen(_build_cmd(), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=600)[0])
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0], "\n-----\n".join(outs)
    joined = "\n".join(outs)
    assert "Another build is running in this checkout; waiting" in joined, joined
    assert joined.count("executed in") == 1, joined  # the second build reused the first's result
    site = tmp_path / "build" / "html"
    assert (site / "tiny.html").exists() and (site / "index.html").exists()
    assert json.loads((site / "build-info.json").read_text())["icb"] == "QGH"
    assert_cache_consistent(tmp_path / "cache")
    assert len(list((tmp_path / "build" / ".sites").iterdir())) == 1


def test_stale_work_folders_are_cleaned_only_when_their_owner_is_gone(isolated):
    work = build.notebook_cache_dir() / ".work"
    dead = work / "chap-dead"
    live = work / "chap-live"
    failed = work / "chap-failed"
    for d in (dead, live, failed):
        (d / "data").mkdir(parents=True)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    (dead / build.OWNER_FILE).write_text(f"{child.pid}\n")  # a process that has exited
    (live / build.OWNER_FILE).write_text(f"{os.getpid()}\n")  # this process: still running
    (failed / build.OWNER_FILE).write_text("failed\n")  # kept for inspection
    removed = build.clean_stale_work()
    assert removed == [dead]
    assert live.exists() and failed.exists()
    old = time.time() - build.STALE_WORK_AGE - 10
    os.utime(failed, (old, old))
    assert build.clean_stale_work() == [failed]


# ----------------------------------------------------------------------------- table cache


def test_damaged_table_cache_entry_is_recomputed(tmp_path, monkeypatch):
    payload = b"code,value\nE06000019,1.5\nE10000034,2.5\n"
    (tmp_path / "mirror" / "demo").mkdir(parents=True)
    (tmp_path / "mirror" / "demo" / "a.csv").write_bytes(payload)
    manifest = tmp_path / "sources.yml"
    manifest.write_text(
        yaml.safe_dump({"datasets": {"demo": {"files": {"a.csv": {"sha256": hashlib.sha256(payload).hexdigest()}}}}})
    )
    monkeypatch.setenv("ANALYSIS_SOURCES", str(manifest))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("ANALYSIS_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ANALYSIS_NO_TABLE_CACHE", raising=False)
    monkeypatch.delenv("ANALYSIS_INPUTS_LOG", raising=False)
    sources._load_manifest.cache_clear()
    calls = []

    def make():
        @_base.cached_table("demo_table", [("demo", "a.csv")])
        def demo() -> pd.DataFrame:
            calls.append(1)
            return _base.read_csv("demo", "a.csv", required=["code", "value"])

        return demo

    first = make()()
    assert len(calls) == 1
    [entry] = list((tmp_path / "cache" / "tables").glob("demo_table-*.parquet"))
    assert make()().equals(first) and len(calls) == 1  # a fresh process would read the parquet
    for damage in (entry.read_bytes()[: entry.stat().st_size // 2], b"", b"not parquet at all"):
        entry.write_bytes(damage)
        again = make()()
        assert again.equals(first)
        assert pd.read_parquet(entry).equals(first)  # rewritten whole
    assert len(calls) == 4
    # A half-written temporary file from a killed process is never read as the table.
    (entry.parent / (entry.stem + ".tmp99999")).write_bytes(b"partial")
    assert make()().equals(first) and len(calls) == 4
