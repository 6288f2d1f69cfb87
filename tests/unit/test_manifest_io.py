"""The manifest's writers keep what they do not manage: a dataset's series breaks (``breaks:``) and
any other key survive ``manifest_io``, ``tools/make_sources.py`` and ``data remove``, and the
manifest stays in the writer's own layout so that a rewrite is a small diff."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from analysis import datacmd, manifest_io, sources

ROOT = Path(__file__).resolve().parents[2]

BREAKS = [
    {
        "id": "new_rules",
        "from": "2031-02-01",
        "what": "From Feb-31 data onwards, the definition changed",
        "reference": "the publisher's notes",
    }
]
SHA = "0" * 64


@pytest.fixture
def manifest(tmp_path, monkeypatch):
    path = tmp_path / "sources.yml"
    monkeypatch.setenv("ANALYSIS_SOURCES", str(path))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(tmp_path / "mirror"))
    (tmp_path / "mirror").mkdir()
    yield path
    sources.clear_caches()


def _demo(editions: list[dict], **extra) -> dict:
    """A manifest's datasets mapping with one monthly series, ``demo``, that has series breaks."""
    return {
        "demo": {
            "title": "Demo",
            "frequency": "monthly",
            "kind": "series",
            "breaks": BREAKS,
            **extra,
            "editions": editions,
        }
    }


def _make_sources():
    spec = importlib.util.spec_from_file_location("make_sources", ROOT / "tools" / "make_sources.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_sources"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_the_real_manifest_is_in_the_writers_layout():
    text = (ROOT / "data" / "sources.yml").read_text(encoding="utf-8")
    assert manifest_io.dumps(manifest_io.read(ROOT / "data" / "sources.yml")) == text


def test_a_rewrite_keeps_breaks_and_unknown_keys_in_place(manifest):
    doc = _demo([{"id": "1", "period": "x", "files": {"a.csv": {"sha256": SHA}}}], a_future_key={"kept": True})
    manifest_io.write(doc, manifest)
    first = manifest.read_text(encoding="utf-8")
    manifest_io.write(manifest_io.read(manifest), manifest)
    assert manifest.read_text(encoding="utf-8") == first
    back = manifest_io.read(manifest)["demo"]
    assert list(back) == list(doc["demo"]) and back["breaks"] == BREAKS and back["a_future_key"] == {"kept": True}
    assert sources.series_break("demo", "new_rules").strftime("%Y-%m-%d") == "2031-02-01"


def test_make_sources_migrate_keeps_breaks(manifest):
    old_form = {
        "datasets": {
            "demo": {
                "title": "Demo",
                "licence": "OGL v3.0",
                "breaks": BREAKS,
                "period": "x",
                "files": {"a.csv": {"sha256": SHA}},
            }
        }
    }
    manifest.write_text(yaml.safe_dump(old_form, sort_keys=False), encoding="utf-8")
    assert _make_sources().main(["migrate"]) == 0
    back = manifest_io.read(manifest)["demo"]
    assert back["breaks"] == BREAKS and back["editions"][0]["files"] == {"a.csv": {"sha256": SHA}}
    assert list(back).index("breaks") < list(back).index("editions")


def test_data_remove_keeps_breaks(manifest):
    files = {"a.csv": {"sha256": SHA}}
    doc = _demo(
        [
            {"id": "old", "period": "first", "period_end": "2031-01-31", "files": files},
            {"id": "new", "period": "second", "period_end": "2031-02-28", "files": files},
        ]
    )
    manifest_io.write(doc, manifest)
    datacmd.remove("demo", "old", log=lambda m: None)
    back = manifest_io.read(manifest)["demo"]
    assert [e["id"] for e in back["editions"]] == ["new"] and back["breaks"] == BREAKS
