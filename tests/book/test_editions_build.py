"""A new edition flows through the build, and an earlier book is rebuilt exactly with --as-of.

Two tiny chapters run by papermill through the real cache: one reads the official monthly A&E
files (every edition), the other a lookup. The manifest starts with the September 2025 A&E
edition held back. Adding it with ``data add`` re-runs only the A&E chapter, whose table gains
the month; ``build --as-of`` a time before the add reproduces the first table byte for byte
(re-executed with the cache bypassed, so it is the editions that reproduce it, not the cache).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import nbformat
import pytest

from analysis import build, datacmd, manifest_io, sources

pytestmark = pytest.mark.xdist_group("build")

ROOT = Path(__file__).resolve().parents[2]
AE = "ae_monthly_official"
SEP = "September-2025-Csv-7hjr2.csv"


def _notebook(path: Path, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('icb_code = "QGH"\nimd_version = 2019\ndata_dir = "data/x"\nreference_date = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Test"), params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)


def _run(spec, params, force=False):
    res = build.run_chapters(spec, [params], n_jobs=2, log=lambda m: None, force=force)
    return sorted(cid for (_, cid), r in res.items() if r.executed), res


@pytest.fixture
def env(tmp_path, monkeypatch, mirror):
    doc = manifest_io.read(ROOT / "data" / "sources.yml")
    doc[AE]["editions"] = [e for e in doc[AE]["editions"] if SEP not in e["files"]]
    man = tmp_path / "sources.yml"
    man.write_text(manifest_io.dumps(doc), encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_SOURCES", str(man))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.delenv("ANALYSIS_AS_OF", raising=False)
    sources.clear_caches()
    ae, other = tmp_path / "ae.ipynb", tmp_path / "other.ipynb"
    _notebook(
        ae,
        "import os\nfrom analysis.load import urgent_care\n"
        "df = urgent_care.ae_monthly_providers()\n"
        "t = df.groupby('month', as_index=False)[['attendances', 'over_4h']].sum()\n"
        "os.makedirs(data_dir, exist_ok=True)\n"
        "t.to_csv(os.path.join(data_dir, 'ae_by_month.csv'), index=False)",
    )
    _notebook(
        other,
        "from analysis import sources\n"
        "print(len(sources.resolve('lookup_lad_utla_region', 'lookup_ltla21_utla21.csv').read_text()))",
    )
    spec = build.BookSpec([build.ChapterSpec("ae", "A&E", ae), build.ChapterSpec("other", "Other", other)])
    yield {"spec": spec, "tmp": tmp_path, "mirror": mirror}
    sources.clear_caches()


def _csv(res) -> bytes:
    return (res[("QGH", "ae")].entry / "data" / "ae" / "ae_by_month.csv").read_bytes()


def test_new_edition_reruns_its_readers_and_as_of_rebuilds_the_earlier_book(env, monkeypatch):
    params = build.validate_params("QGH")
    executed, res = _run(env["spec"], params)
    assert executed == ["ae", "other"]
    before = _csv(res)
    assert b"2025-08-01" in before and b"2025-09-01" not in before
    assert _run(env["spec"], params)[0] == []  # nothing changed, nothing runs

    added_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cutoff = (added_at - dt.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    datacmd.add(
        env["mirror"] / AE / SEP,
        log=lambda m: None,
        added=(added_at + dt.timedelta(seconds=1)).isoformat().replace("+00:00", "Z"),
    )
    executed, res = _run(env["spec"], params)
    assert executed == ["ae"]  # only the chapter that reads A&E
    after = _csv(res)
    assert b"2025-09-01" in after and after != before

    # As of a time before the September edition was added: the earlier table, byte for byte,
    # re-executed with the cache bypassed.
    monkeypatch.setenv("ANALYSIS_AS_OF", cutoff)
    sources.clear_caches()
    assert sources.latest(AE).period.label == "August 2025"
    executed, res = _run(env["spec"], params, force=True)
    assert executed == ["ae", "other"]
    assert _csv(res) == before
    # and without --force the cache serves the earlier entry too
    executed, res = _run(env["spec"], params)
    assert executed == [] and _csv(res) == before


def test_as_of_before_any_edition_says_so(env, monkeypatch):
    monkeypatch.setenv("ANALYSIS_AS_OF", "2020-01-01")
    sources.clear_caches()
    with pytest.raises(sources.DataSourceError, match="had been added by 2020-01-01"):
        sources.editions(AE)


def test_cli_as_of_rejects_a_bad_date(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--as-of", "last tuesday"],
        capture_output=True,
        text=True,
        env={**os.environ, "ANALYSIS_BUILD_DIR": str(tmp_path)},
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "is not a date" in proc.stderr
