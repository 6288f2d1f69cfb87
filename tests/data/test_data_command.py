"""`python -m analysis data add | remove | status | fetch`: new publications come in, bad ones
change nothing.

The sandbox holds the real manifest with the September 2025 A&E edition held back, the real
mirror, and empty store, cache and site folders; every refusal is checked to leave the manifest,
the store, the cache and the site byte for byte as they were.
"""

from __future__ import annotations

import hashlib
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from analysis import datacmd, manifest_io, sources
from analysis.load import urgent_care

ROOT = Path(__file__).resolve().parents[2]
DS = urgent_care.AE_MONTHLY
SEP, AUG, JUL = "September-2025-Csv-7hjr2.csv", "August-2025-CSV-g5tyh-v2.0.csv", "July-2025-CSV-9jfy4.csv"


def _tree_digest(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def box(tmp_path, monkeypatch, mirror):
    """Real manifest minus the September 2025 A&E edition; isolated store, cache and site."""
    doc = manifest_io.read(ROOT / "data" / "sources.yml")
    eds = doc[DS]["editions"]
    held = [e for e in eds if SEP in e["files"]]
    assert held, "the manifest should have the September 2025 edition"
    doc[DS]["editions"] = [e for e in eds if SEP not in e["files"]]
    man = tmp_path / "sources.yml"
    man.write_text(manifest_io.dumps(doc), encoding="utf-8")
    for var, sub in (("ANALYSIS_RAW_DIR", "raw"), ("ANALYSIS_CACHE_DIR", "cache"), ("ANALYSIS_BUILD_DIR", "build")):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    (tmp_path / "cache" / "notebooks" / "scorecard" / "k1").mkdir(parents=True)
    (tmp_path / "cache" / "notebooks" / "scorecard" / "k1" / "inputs.json").write_text(
        '["ae_monthly_official#editions", "rtt_incomplete@1/rtt_incomplete_org_month.csv"]'
    )
    (tmp_path / "cache" / "notebooks" / "population" / "k2").mkdir(parents=True)
    (tmp_path / "cache" / "notebooks" / "population" / "k2" / "inputs.json").write_text('["imd2019_lsoa#editions"]')
    (tmp_path / "build" / "html").mkdir()
    (tmp_path / "build" / "html" / "index.html").write_text("<p>the published book</p>")
    monkeypatch.setenv("ANALYSIS_SOURCES", str(man))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.delenv("ANALYSIS_AS_OF", raising=False)
    sources.clear_caches()
    yield {"tmp": tmp_path, "manifest": man, "mirror": mirror, "src": mirror / DS}
    sources.clear_caches()


def _state(box) -> dict:
    return {
        "manifest": box["manifest"].read_bytes(),
        "raw": _tree_digest(box["tmp"] / "raw"),
        "cache": _tree_digest(box["tmp"] / "cache"),
        "site": _tree_digest(box["tmp"] / "build"),
    }


def test_add_the_next_month_then_again(box):
    before = len(sources.editions(DS))
    got = datacmd.add(box["src"] / SEP, log=lambda m: None)
    assert not got.unchanged and got.dataset == DS and got.period.label == "September 2025"
    assert got.chapters == ["scorecard"]  # the cache says only the scorecard read A&E
    eds = sources.editions(DS)
    assert len(eds) == before + 1 and eds[-1].period.label == "September 2025" and eds[-1].id == "2025-09"
    assert eds[-1].period_from == "file"
    stored = box["tmp"] / "raw" / DS / "2025-09" / SEP
    assert stored.read_bytes() == (box["src"] / SEP).read_bytes()
    assert sources.resolve(DS, SEP) == stored
    # Adding the same file again changes nothing.
    state = _state(box)
    again = datacmd.add(box["src"] / SEP, log=lambda m: None)
    assert again.unchanged and _state(box) == state
    # The loader now reads September too.
    months = urgent_care.ae_monthly_providers()["month"].dt.strftime("%Y-%m").unique().tolist()
    assert months[-1] == "2025-09"
    # As of a time before it was added, the build does not see it.
    first_added = min(e.added for e in eds)
    import os

    os.environ["ANALYSIS_AS_OF"] = first_added.isoformat()
    try:
        sources.clear_caches()
        assert sources.latest(DS).period.label == "August 2025"
    finally:
        del os.environ["ANALYSIS_AS_OF"]
        sources.clear_caches()


def _damaged(box, how: str) -> Path:
    out = box["tmp"] / "incoming"
    out.mkdir(exist_ok=True)
    text = (box["src"] / SEP).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if how == "truncated":
        path = out / "September-2025-part.csv"
        path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    elif how == "renamed_column":
        path = out / SEP
        path.write_text(
            text.replace("Attendances over 4hrs Type 1", "Attendances over four hours Type 1", 1), encoding="utf-8"
        )
    elif how == "unknown_code":
        path = out / SEP
        row = next(i for i, line in enumerate(lines) if ",RWP," in line)
        lines[row] = lines[row].replace(",RWP,", ",ZZQ99,")
        path.write_text("".join(lines), encoding="utf-8")
    elif how == "copy_of_another_month":
        path = out / "September-2025-copy.csv"
        path.write_text(
            (box["src"] / AUG).read_text(encoding="utf-8").replace("MSitAE-AUGUST-2025", "MSitAE-SEPTEMBER-2025"),
            encoding="utf-8",
        )
    elif how == "wrong_dataset":
        path = out / "rtt.csv"
        shutil.copyfile(box["mirror"] / "rtt_incomplete" / "rtt_incomplete_org_month.csv", path)
    elif how == "empty":
        path = out / "empty.csv"
        path.write_bytes(b"")
    else:
        raise AssertionError(how)
    return path


@pytest.mark.parametrize(
    "how, words",
    [
        ("truncated", "TOTAL"),
        ("renamed_column", "Attendances over 4hrs Type 1"),
        ("unknown_code", "ZZQ99"),
        ("copy_of_another_month", "identical"),
        ("wrong_dataset", "does not look like"),
        ("empty", "empty"),
    ],
)
def test_a_damaged_file_is_refused_and_changes_nothing(box, how, words):
    path = _damaged(box, how)
    state = _state(box)
    with pytest.raises(datacmd.DataCommandError) as exc:
        datacmd.add(path, log=lambda m: None)
    assert words in str(exc.value)
    assert "\n" not in str(exc.value)  # one clear line
    assert _state(box) == state


def test_wrong_dataset_named_explicitly(box):
    path = _damaged(box, "wrong_dataset")
    state = _state(box)
    with pytest.raises(datacmd.DataCommandError, match="not an edition of 'ae_monthly_official'"):
        datacmd.add(path, dataset=DS, log=lambda m: None)
    assert _state(box) == state


def test_older_period_and_same_period_are_refused(box):
    # July is in the manifest: its file again is "already there"; a July file with other bytes is
    # a revision (needs --revision); a month missing from the manifest but older than the latest
    # is refused.
    assert datacmd.add(box["src"] / JUL, log=lambda m: None).unchanged
    lf = box["tmp"] / JUL
    lf.write_bytes((box["src"] / JUL).read_bytes().replace(b"\r\n", b"\n"))
    state = _state(box)
    with pytest.raises(datacmd.DataCommandError, match="--revision"):
        datacmd.add(lf, log=lambda m: None)
    assert _state(box) == state
    datacmd.remove(DS, "2025-07", log=lambda m: None)
    state = _state(box)
    with pytest.raises(datacmd.DataCommandError, match="older than the current edition"):
        datacmd.add(box["src"] / JUL, log=lambda m: None)
    assert _state(box) == state


def test_revision_replaces_the_period(box):
    lf = box["tmp"] / JUL
    lf.write_bytes((box["src"] / JUL).read_bytes().replace(b"\r\n", b"\n"))
    got = datacmd.add(lf, revision=True, log=lambda m: None)
    assert got.edition == "2025-07-r2"
    df = urgent_care.ae_monthly_providers()
    assert set(df.loc[df["month"] == "2025-07-01", "edition"]) == {"2025-07-r2"}


def test_cli_refusal_is_one_line_without_traceback(box):
    path = _damaged(box, "unknown_code")
    state = _state(box)
    proc = subprocess.run([sys.executable, "-m", "analysis", "data", "add", str(path)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "ZZQ99" in lines[0]
    assert _state(box) == state
    debug = subprocess.run(
        [sys.executable, "-m", "analysis", "--debug", "data", "add", str(path)], capture_output=True, text=True
    )
    assert "Traceback" in debug.stderr


def test_status_lists_every_dataset_with_period_and_age(box):
    lines: list[str] = []
    rows = datacmd.status(log=lines.append)
    assert {r.dataset for r in rows} == set(sources.manifest())
    ae = next(r for r in rows if r.dataset == DS)
    assert ae.period == "August 2025" and ae.period_from == "file" and ae.files_ok == ae.files_total == 8
    assert ae.age_months is not None and ae.frequency == "monthly"
    assert any(line.startswith(DS) for line in lines)
    assert any("could be downloaded" in line for line in lines)


def test_documentation_periods_are_read_for_age():
    assert datacmd.end_from_text("monthly Apr 2022-Apr 2026").isoformat() == "2026-04-30"
    assert datacmd.end_from_text("2014/15-2023/24").isoformat() == "2024-03-31"
    assert datacmd.end_from_text("2010-12 to 2022-24").isoformat() == "2024-12-31"
    assert datacmd.end_from_text("n/a") is None


class _Publisher(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass


def test_fetch_from_a_publisher_like_page_on_loopback(box, monkeypatch):
    """A page on 127.0.0.1 links to the A&E files; fetch adds the one newer than the manifest."""
    site = box["tmp"] / "site"
    site.mkdir()
    for name in (AUG, SEP, JUL):
        shutil.copyfile(box["src"] / name, site / name)
    (site / "index.html").write_text(
        "<html><body><h1>A&amp;E Attendances and Emergency Admissions 2025-26</h1>"
        + "".join(f'<p><a href="{n}">{n}</a></p>' for n in (JUL, AUG, SEP))
        + '<p><a href="other.xlsx">Timeseries</a></p></body></html>'
    )
    handler = lambda *a, **k: _Publisher(*a, directory=str(site), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("ANALYSIS_ALLOW_LOOPBACK_HTTP", "1")
        doc = manifest_io.read()
        doc[DS]["fetch"] = {
            "pages": [f"http://127.0.0.1:{server.server_port}/index.html"],
            "links": doc[DS].get("fetch", {}).get("links", r"(?i)(AE|CSV).*\.csv$"),
        }
        manifest_io.write(doc)
        added = datacmd.fetch(DS, log=lambda m: None)
        assert [a.period.label for a in added] == ["September 2025"]
        sep = sources.latest(DS).file()
        assert sep.url == f"http://127.0.0.1:{server.server_port}/{SEP}"
        # A second fetch finds nothing new.
        assert datacmd.fetch(DS, log=lambda m: None) == []
    finally:
        server.shutdown()


def test_fetch_refuses_plain_http_to_the_internet(box):
    doc = manifest_io.read()
    doc[DS]["fetch"] = {"pages": ["http://example.org/ae.html"], "links": r"\.csv$"}
    manifest_io.write(doc)
    with pytest.raises(sources.DataSourceError, match="only https"):
        datacmd.fetch(DS, log=lambda m: None)


def test_the_copy_error_in_the_conversion_is_found():
    assert urgent_care.repeated_months_in_conversion("trust") == [("2025-02", "2024-02"), ("2025-03", "2024-03")]


def test_official_file_pins_rwp_february_2025():
    df = urgent_care.ae_monthly_providers()
    rwp = df[(df["org_code"] == "RWP") & (df["month"] == "2025-02-01")]
    assert int(rwp["attendances"].iloc[0]) == 16264


def test_manifest_round_trips_and_a_new_edition_is_one_added_block(box):
    before = box["manifest"].read_text(encoding="utf-8")
    datacmd.add(box["src"] / SEP, log=lambda m: None)
    after = box["manifest"].read_text(encoding="utf-8")
    import difflib

    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert all(line.startswith("+") for line in diff), diff[:5]  # nothing removed or rewritten
    assert yaml.safe_load(after)["datasets"][DS]["editions"][-1]["id"] == "2025-09"
    # what the command does not manage stays: the series breaks of other datasets
    for ds in ("rtt_incomplete", "cancer_waiting_times"):
        assert yaml.safe_load(after)["datasets"][ds]["breaks"] == yaml.safe_load(before)["datasets"][ds]["breaks"]
