"""Benchmarks that print figures (never timed tests): ``python -m analysis bench``.

For the default ICB it measures, each in a fresh process and an isolated cache/build folder
(so an analyst's own cache is untouched):

1. a cold build (empty caches): time and notebooks executed;
2. a no-op rebuild: time and notebooks executed (target: under 5 s, zero executed);
   then, in the preview loop (``python -m analysis preview``), the time from saving a one-sentence
   edit to a Markdown cell until the served page contains it (target: under 5 s, nothing executed);
3. next month's A&E file added: the bench's manifest holds back the latest monthly A&E edition;
   ``data add`` of the publisher's file and the rebuild are timed, with the chapters re-run and
   the month the scorecard shows before and after;
4. a rebuild after one input file changes (a CSV re-published with identical content but
   different bytes, through a temporary mirror and manifest): which chapters re-executed;
5. the same notebooks built by Jupyter Book's own execution (``execute_notebooks: force``,
   serial), for reference, and the ratio to the cold build.

The cold build is timed with both engines (``--engine kernel``: a fresh Jupyter kernel per
notebook; ``warm``, the default: forks of one process that imported everything once).

``--all`` times the all-ICB build (total, per ICB, notebooks executed, forks and kernels started)
and, in the same run, the fresh-kernel reference per chapter on three ICBs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import build, geography, manifest_io, sources
from .paths import ROOT


def _cpu_of_children() -> float:
    """CPU seconds (user + system) used so far by this process's finished children and, through
    them, every descendant they waited for (forked chapter runs, kernels, Sphinx)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


# CPU seconds of each step run by _run, by its arguments joined with spaces (the last run wins).
cpu_used: dict[str, float] = {}


def _run(args: list[str], env: dict) -> tuple[float, str]:
    t0, c0 = time.perf_counter(), _cpu_of_children()
    proc = subprocess.run([sys.executable, "-m", "analysis", *args], env=env, capture_output=True, text=True, cwd=ROOT)
    dt = time.perf_counter() - t0
    cpu_used[" ".join(args)] = _cpu_of_children() - c0
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(args)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return dt, proc.stdout


def _executed(out: str) -> int:
    return sum(int(n) for n in re.findall(r"(\d+) chapter\(s\) executed", out))


def _executed_names(out: str) -> list[str]:
    return re.findall(r"\] \S+ (\S+): executed", out)


def _bench_env(base: Path) -> dict:
    env = dict(os.environ)
    env["ANALYSIS_CACHE_DIR"] = str(base / "cache")
    env["ANALYSIS_BUILD_DIR"] = str(base / "build")
    env.pop("ANALYSIS_INPUTS_LOG", None)
    return env


def _pick_input_to_change(cache: Path) -> tuple[str, list[str]]:
    """The CSV input read by the fewest chapters (but at least one)."""
    readers: dict[str, set[str]] = {}
    for meta in cache.glob("notebooks/*/*/*/meta.json"):
        doc = json.loads(meta.read_text())
        for label in doc["inputs"]:
            readers.setdefault(label, set()).add(doc["chapter"])
    csvs = [(len(ch), label) for label, ch in readers.items() if label.endswith(".csv")]
    if not csvs:
        raise SystemExit("benchmark: no CSV inputs were recorded by the cold build")
    csvs.sort()
    label = csvs[0][1]
    return label, sorted(readers[label])


def _changed_mirror(base: Path, label: str, manifest_path: Path) -> dict:
    """A temporary mirror (symlinks) and manifest (from ``manifest_path``) in which ``label`` has
    new bytes."""
    mirror = sources.mirror_dir()
    if mirror is None:
        raise SystemExit("benchmark needs the data mirror (ANALYSIS_DATA_MIRROR or ../shared/data)")
    head, _, fname = label.partition("/")
    ds, _, edition = head.partition("@")
    spec = sources.file_spec(ds, fname, edition or None)
    rel = spec.mirror or f"{sources.mirror_folder(ds)}/{fname}"
    new_mirror = base / "mirror"
    if new_mirror.exists():
        shutil.rmtree(new_mirror)
    for d in mirror.iterdir():
        if d.is_dir():
            (new_mirror / d.name).mkdir(parents=True)
            for f in d.rglob("*"):
                if f.is_file():
                    target = new_mirror / d.name / f.relative_to(d)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.symlink_to(f)
    target = new_mirror / rel
    target.unlink()
    data = (mirror / rel).read_bytes()
    data = data + (b"" if data.endswith(b"\n") else b"\n") + b"\n"  # a blank line: same table, new bytes
    target.write_bytes(data)
    manifest = manifest_io.read(manifest_path)
    entries = [e for ed, name, e in manifest_io.iter_files(manifest, ds) if name == fname and ed == edition]
    if len(entries) != 1:
        raise SystemExit(f"benchmark: {label} is not (once) in {manifest_path}")
    entries[0]["sha256"] = hashlib.sha256(data).hexdigest()
    mpath = base / "sources.yml"
    mpath.write_text(manifest_io.dumps(manifest), encoding="utf-8")
    return {"ANALYSIS_DATA_MIRROR": str(new_mirror), "ANALYSIS_SOURCES": str(mpath)}


AE = "ae_monthly_official"

# The build-speed targets the benchmarks are read against (issue 19): all ICBs' books, cold, in
# this many seconds; one ICB's cold book this many times faster than Jupyter Book's own execution.
TARGET_ALL_SECONDS = 300
TARGET_RATIO_TO_JUPYTER_BOOK = 3.0


def _cores() -> int:
    """Cores this process may run on (the affinity mask, which a container may narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def cpu_floor_lines(what: str, wall: float, cpu: float, cores: int) -> list[str]:
    """Plain-English lines on the least time ``cpu`` seconds of work can take on ``cores`` cores
    (a schedule cannot beat the work divided by the cores), against the ``wall`` seconds taken."""
    if cpu <= 0 or cores < 1:
        raise ValueError(f"cpu_floor_lines: expected positive CPU seconds and cores, got {cpu!r} and {cores!r}")
    floor = cpu / cores
    return [
        f"{what}: {wall:.1f} s on the clock, {cpu:.1f} s of CPU; on {cores} core(s) this work cannot take "
        f"less than {floor:.1f} s (the build kept the cores {min(floor / wall, 1.0):.0%} busy)"
    ]


def _hold_back_latest_ae(base: Path) -> tuple[Path, Path, str]:
    """A manifest without the latest monthly A&E edition (the bench adds it back with ``data
    add``, as an analyst adds next month's file); the file and its period."""
    doc = manifest_io.read(sources.manifest_path())
    latest = doc[AE]["editions"][-1]
    doc[AE]["editions"] = doc[AE]["editions"][:-1]
    path = base / "sources-held-back.yml"
    path.write_text(manifest_io.dumps(doc), encoding="utf-8")
    (fname,) = list(latest["files"])
    mirror = sources.mirror_dir()
    if mirror is None:
        raise SystemExit("benchmark needs the data mirror (ANALYSIS_DATA_MIRROR or ../shared/data)")
    return path, mirror / sources.mirror_folder(AE) / fname, str(latest["period"])


def _ae_month_in_book(target: Path) -> str:
    doc = json.loads((target / "data" / "scorecard" / "headline.json").read_text())
    return str(doc["headlines"]["ae_4h_pct"].get("period", "?"))


def _reference_build(base: Path, icb: str, env: dict) -> tuple[float, int]:
    """The same notebooks, parameters injected, executed by Jupyter Book itself (serially)."""
    import papermill as pm

    from . import frontmatter

    params = build.validate_params(icb)
    book = build.load_book_spec()
    stage = base / "jb-reference"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for ch in book.chapters:
        pm.execute_notebook(
            str(ch.notebook),
            str(stage / f"{ch.id}.ipynb"),
            parameters=params.for_chapter(ch),
            prepare_only=True,
            progress_bar=False,
        )
    # The front matter lists the datasets each chapter read: those of the cold build's entries.
    saved = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = env["ANALYSIS_CACHE_DIR"]
    try:
        inputs = {
            ch.id: build.datasets_read(e) if (e := build.cache_lookup(ch, params)) else [] for ch in book.chapters
        }
    finally:
        if saved is None:
            os.environ.pop("ANALYSIS_CACHE_DIR")
        else:
            os.environ["ANALYSIS_CACHE_DIR"] = saved
    front = frontmatter.render_pages(book, params, {}, commit="benchmark", inputs=inputs)
    for name, text in front.items():
        (stage / f"{name}.md").write_text(text)
    (stage / "_toc.yml").write_text(yaml.safe_dump(frontmatter.toc(book, front), sort_keys=False))
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    cfg["execute"] = {"execute_notebooks": "force", "timeout": 600}
    (stage / "_config.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    shutil.copytree(ROOT / "book" / "_static", stage / "_static")
    exe = Path(sys.executable).with_name("jupyter-book")
    renv = dict(env)
    renv["ANALYSIS_CACHE_DIR"] = str(base / "cache-reference")  # cold, like the cold build
    t0, c0 = time.perf_counter(), _cpu_of_children()
    proc = subprocess.run(
        [str(exe), "build", str(stage), "--path-output", str(base / "jb-reference-out"), "--quiet"],
        env=renv,
        capture_output=True,
        text=True,
        cwd=stage,
    )
    dt = time.perf_counter() - t0
    cpu_used["jupyter-book build"] = _cpu_of_children() - c0
    if proc.returncode != 0:
        print(
            f"  (reference build exited {proc.returncode}; its time is still reported)\n"
            + "\n".join(proc.stdout.splitlines()[-10:])
        )
    return dt, len(book.chapters)


def _markdown_edit_in_preview(base: Path, icb: str, env: dict) -> tuple[float, int, str]:
    """Seconds from saving a one-sentence edit to a Markdown cell until the page served by the
    preview loop contains it. The preview serves the whole book, whose chapters the cold build
    has cached; the edit is made to a copy of the first chapter's notebook (named through
    ANALYSIS_BOOK_SPEC), never to the analyst's own."""
    import urllib.request

    import nbformat

    book = build.load_book_spec()
    first = book.chapters[0]
    work = base / "markdown-edit"
    work.mkdir(parents=True, exist_ok=True)
    copy = work / first.notebook.name
    shutil.copy(first.notebook, copy)
    spec_path = Path(env.get("ANALYSIS_BOOK_SPEC") or ROOT / "book" / "chapters.yml")
    doc = yaml.safe_load(spec_path.read_text())
    for c in doc["chapters"]:
        if c["id"] == first.id:
            c["notebook"] = str(copy)
    (work / "chapters.yml").write_text(yaml.safe_dump(doc, sort_keys=False))
    penv = dict(env, ANALYSIS_BOOK_SPEC=str(work / "chapters.yml"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "preview", "--icb", icb, "--port", "0"],
        env=penv,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = None
        for line in proc.stdout:
            m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if m:
                url = m.group(1) + f"{first.id}.html"
                break
        if url is None:
            raise SystemExit(f"benchmark: the preview did not start (exit {proc.wait()})")
        sentence = f"Benchmark sentence {time.time_ns()}."
        nb = nbformat.read(copy, as_version=4)
        cell = next(c for c in nb.cells if c.cell_type == "markdown")
        cell.source += f"\n\n{sentence}"
        t0 = time.perf_counter()
        nbformat.write(nb, copy)
        while sentence not in urllib.request.urlopen(url, timeout=30).read().decode("utf-8"):
            if time.perf_counter() - t0 > 300:
                raise SystemExit("benchmark: the edit did not reach the page within 300 s")
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    rest = proc.stdout.read()
    return seconds, sum(int(n) for n in re.findall(r"Rebuilt in .*?\((\d+) chapter\(s\) executed", rest)), first.id


def bench_default(icb: str = geography.DEFAULT_ICB, n_jobs: int = 2, skip_reference: bool = False) -> int:
    params = build.validate_params(icb)
    base = build.build_dir() / "bench"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    env = _bench_env(base)
    held_back, ae_file, ae_period = _hold_back_latest_ae(base)
    env["ANALYSIS_SOURCES"] = str(held_back)
    env["ANALYSIS_RAW_DIR"] = str(base / "raw")
    args = ["build", "--icb", params.icb.ods_code, "--jobs", str(n_jobs)]
    n_chapters = len(build.load_book_spec().chapters)
    print(
        f"Benchmark: {params.icb.name} ({params.icb.ods_code}), {n_chapters} chapters, "
        f"{n_jobs} jobs, {os.cpu_count()} cores"
    )
    rows = []
    kenv = dict(env)
    kenv.update({"ANALYSIS_CACHE_DIR": str(base / "cache-kernel"), "ANALYSIS_BUILD_DIR": str(base / "build-kernel")})
    t_kernel, out = _run([*args, "--engine", "kernel"], kenv)
    rows.append(("cold build, a fresh kernel per notebook (--engine kernel)", t_kernel, _executed(out), ""))
    t, out = _run(args, env)
    rows.append(("cold build (empty caches; warm engine, the default)", t, _executed(out), ""))
    t_cold, cpu_cold = t, cpu_used[" ".join(args)]
    t, out = _run(args, env)
    rows.append(("no-op rebuild", t, _executed(out), ""))
    t, n, chapter = _markdown_edit_in_preview(base, params.icb.ods_code, env)
    rows.append(
        (
            "Markdown edit until the page shows it (preview)",
            t,
            n,
            f"one sentence added to a Markdown cell of {chapter}; target under 5 s",
        )
    )
    before = _ae_month_in_book(base / "build" / "html")
    t0 = time.perf_counter()
    _run(["data", "add", str(ae_file)], env)
    t_add = time.perf_counter() - t0
    t, out = _run(args, env)
    rows.append(
        (
            f"next month's A&E file added (data add, then build), {ae_period}",
            t_add + t,
            _executed(out),
            f"data add {t_add:.1f}s + build {t:.1f}s; re-ran {', '.join(_executed_names(out)) or 'none'}; "
            f"the scorecard's A&E month went from {before} to {_ae_month_in_book(base / 'build' / 'html')}",
        )
    )
    label, readers = _pick_input_to_change(base / "cache")
    cenv = dict(env)
    cenv.update(_changed_mirror(base, label, held_back))
    t, out = _run(args, cenv)
    rows.append(
        (
            f"one input changed ({label})",
            t,
            _executed(out),
            f"re-ran {', '.join(_executed_names(out)) or 'none'}; readers of that file: {', '.join(readers)}",
        )
    )
    if not skip_reference:
        t, n = _reference_build(base, params.icb.ods_code, env)
        rows.append(("Jupyter Book's own execution (force, serial)", t, n, ""))
    print(f"\n{'step':<60}{'seconds':>9}{'notebooks executed':>20}")
    for name, t, n, note in rows:
        print(f"{name:<60}{t:>9.1f}{n:>20}")
        if note:
            print(f"    {note}")
    print(f"\nratio, fresh kernels / warm engine (cold builds): {t_kernel / t_cold:.2f}x")
    cores = _cores()
    for line in cpu_floor_lines("our cold build (warm engine)", t_cold, cpu_cold, cores):
        print(line)
    if not skip_reference:
        t_jb = rows[-1][1]
        print(f"ratio, Jupyter Book's own execution / our cold build: {t_jb / t_cold:.2f}x")
        for line in cpu_floor_lines("Jupyter Book's own execution", t_jb, cpu_used["jupyter-book build"], cores):
            print(line)
        print(
            f"with this much work the ratio cannot exceed {t_jb / (cpu_cold / cores):.2f}x on {cores} core(s); "
            f"{TARGET_RATIO_TO_JUPYTER_BOOK:g}x needs our cold build to use at most "
            f"{t_jb * cores / TARGET_RATIO_TO_JUPYTER_BOOK:.1f} s of CPU (it used {cpu_cold:.1f} s)"
        )
    return 0


def _engine_counts(out: str) -> tuple[int, int]:
    """(chapter runs forked from the warm process, fresh kernels started), from a build's log."""
    forks = sum(int(n) for n in re.findall(r"Engine warm: (\d+) chapter run", out))
    kernels = sum(int(n) for n in re.findall(r"Engine kernel: (\d+) fresh Jupyter kernel", out))
    return forks, kernels


def _chapter_seconds(out: str) -> dict[str, list[float]]:
    """Seconds each chapter run took, by chapter, from a build's progress lines."""
    times: dict[str, list[float]] = {}
    for chapter, sec in re.findall(r"\] \S+ (\S+): executed in ([\d.]+)s", out):
        times.setdefault(chapter, []).append(float(sec))
    return times


def bench_all(limit: int | None = None, n_jobs: int = 2, reference_icbs: int = 3) -> int:
    """The all-ICB build, cold, with the warm engine; and in the same run the fresh-kernel
    reference: the first ``reference_icbs`` ICBs built cold with a fresh Jupyter kernel per
    notebook, per chapter, and the warm engine on the same ICBs, so the ratio is side by side."""
    base = build.build_dir() / "bench-all"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    env = _bench_env(base)
    icbs = geography.all_icbs()
    n_all = min(limit or len(icbs), len(icbs))
    n_ref = min(reference_icbs, n_all)
    chapters = [c.id for c in build.load_book_spec().chapters]
    print(
        f"Benchmark: all-ICB build, {n_jobs} jobs, {os.cpu_count()} cores, {len(chapters)} chapters; "
        f"fresh-kernel reference on {n_ref} ICBs"
    )

    def cold(n: int, engine: str) -> tuple[float, str]:
        shutil.rmtree(base / "cache", ignore_errors=True)
        shutil.rmtree(base / "build", ignore_errors=True)
        return _run(["build", "--all", "--jobs", str(n_jobs), "--limit", str(n), "--engine", engine], env)

    rows = []
    for n, engine in ((n_ref, "kernel"), (n_ref, "warm"), (n_all, "warm")):
        t, out = cold(n, engine)
        forks, kernels = _engine_counts(out)
        cpu = cpu_used[f"build --all --jobs {n_jobs} --limit {n} --engine {engine}"]
        rows.append((n, engine, t, len(re.findall(r": executed in", out)), forks, kernels, _chapter_seconds(out), cpu))
    print(
        f"\n{'ICBs':>5} {'engine':<8}{'seconds':>9}{'per ICB':>9}{'notebooks executed':>20}{'forks':>7}"
        f"{'kernels started':>17}{'CPU s':>9}{'CPU s per ICB':>15}"
    )
    for n, engine, t, ex, forks, kernels, _, cpu in rows:
        print(f"{n:>5} {engine:<8}{t:>9.1f}{t / n:>9.1f}{ex:>20}{forks:>7}{kernels:>17}{cpu:>9.1f}{cpu / n:>15.1f}")
    ref, warm_same = rows[0], rows[1]
    print(f"\nPer chapter, mean seconds per run on the same {n_ref} ICBs (fresh kernel vs warm fork):")
    print(f"{'chapter':<24}{'kernel':>9}{'warm':>9}{'ratio':>8}")
    for ch in chapters:
        k, w = ref[6].get(ch), warm_same[6].get(ch)
        if k and w:
            km, wm = sum(k) / len(k), sum(w) / len(w)
            print(f"{ch:<24}{km:>9.1f}{wm:>9.1f}{km / wm:>7.2f}x")
    print(f"\nratio, fresh kernels / warm engine, {n_ref} ICBs cold: {ref[2] / warm_same[2]:.2f}x")
    print(
        f"all {n_all} ICBs cold (warm engine): {rows[2][2]:.1f} s = {rows[2][2] / 60:.1f} min "
        f"({rows[2][2] / n_all:.1f} s per ICB); a fresh kernel per notebook at the reference's rate would take "
        f"about {ref[2] / n_ref * n_all / 60:.1f} min"
    )
    cores = _cores()
    n, t, cpu = rows[2][0], rows[2][2], rows[2][7]
    for line in cpu_floor_lines(f"all {n} ICBs cold (warm engine)", t, cpu, cores):
        print(line)
    print(
        f"under {TARGET_ALL_SECONDS / 60:g} min on {cores} core(s) needs at most "
        f"{TARGET_ALL_SECONDS * cores / n:.1f} s of CPU per ICB (this build used {cpu / n:.1f} s)"
    )
    return 0
