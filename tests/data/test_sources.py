"""The resolver: cache, then mirror, then download; sha256 verified on every path."""

from __future__ import annotations

import hashlib
import http.server
import threading
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import sources


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


PAYLOAD = b"area_code,value\nE06000019,1.5\nE10000034,2.5\n"


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """An isolated manifest, mirror and cache; returns a helper to write the manifest."""
    mirror = tmp_path / "mirror"
    raw = tmp_path / "raw"
    mirror.mkdir()
    raw.mkdir()
    manifest = tmp_path / "sources.yml"
    monkeypatch.setenv("ANALYSIS_SOURCES", str(manifest))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("ANALYSIS_RAW_DIR", str(raw))
    monkeypatch.delenv("ANALYSIS_INPUTS_LOG", raising=False)

    def write(files: dict[str, dict]) -> None:
        doc = {"datasets": {"demo": {"title": "Demo", "files": files}}}
        manifest.write_text(yaml.safe_dump(doc))
        sources._load_manifest.cache_clear()

    return {"mirror": mirror, "raw": raw, "write": write, "tmp": tmp_path}


def test_mirror_file_is_verified_and_read_in_place(sandbox):
    (sandbox["mirror"] / "demo").mkdir()
    f = sandbox["mirror"] / "demo" / "a.csv"
    f.write_bytes(PAYLOAD)
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD)}})
    path = sources.resolve("demo", "a.csv")
    assert path == f  # in place: never copied
    assert not (sandbox["raw"] / "demo" / "a.csv").exists()
    assert sources.inputs_read()["demo/a.csv"] == _sha(PAYLOAD)


def test_cache_is_preferred_to_mirror(sandbox):
    for base in (sandbox["mirror"], sandbox["raw"]):
        (base / "demo").mkdir()
        (base / "demo" / "a.csv").write_bytes(PAYLOAD)
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD)}})
    assert sources.resolve("demo", "a.csv") == sandbox["raw"] / "demo" / "a.csv"


def test_checksum_mismatch_names_dataset_file_places_and_expected_sha(sandbox):
    (sandbox["mirror"] / "demo").mkdir()
    (sandbox["mirror"] / "demo" / "a.csv").write_bytes(PAYLOAD + b"tampered\n")
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD)}})
    with pytest.raises(sources.DataSourceError) as exc:
        sources.resolve("demo", "a.csv")
    msg = str(exc.value)
    assert "'demo'" in msg and "'a.csv'" in msg
    assert _sha(PAYLOAD) in msg
    assert "does not match" in msg
    assert str(sandbox["raw"] / "demo" / "a.csv") in msg  # the cache was looked in too


def test_missing_file_without_url(sandbox):
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD)}})
    with pytest.raises(sources.DataSourceError, match="not found"):
        sources.resolve("demo", "a.csv")


def test_unknown_dataset_and_file_list_what_exists(sandbox):
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD)}})
    with pytest.raises(sources.DataSourceError, match="Known datasets: demo"):
        sources.resolve("nope", "a.csv")
    with pytest.raises(sources.DataSourceError, match="Its files: a.csv"):
        sources.resolve("demo", "b.csv")


def test_malformed_manifest_checksum(sandbox):
    sandbox["write"]({"a.csv": {"sha256": "xyz"}})
    with pytest.raises(sources.DataSourceError, match="64 hex"):
        sources.resolve("demo", "a.csv")


def test_inputs_log_records_each_read(sandbox, monkeypatch):
    (sandbox["mirror"] / "demo").mkdir()
    (sandbox["mirror"] / "demo" / "a.csv").write_bytes(PAYLOAD)
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD)}})
    log = sandbox["tmp"] / "inputs.log"
    monkeypatch.setenv("ANALYSIS_INPUTS_LOG", str(log))
    sources.resolve("demo", "a.csv")
    assert log.read_text().strip() == f"demo/a.csv\t{_sha(PAYLOAD)}"


# --------------------------------------------------------------------------- series breaks


def _with_breaks(sandbox, breaks) -> None:
    doc = {
        "datasets": {
            "demo": {
                "title": "Demo",
                "breaks": breaks,
                "editions": [{"id": "1", "period": "x", "files": {"a.csv": {"sha256": _sha(PAYLOAD)}}}],
            }
        }
    }
    (sandbox["tmp"] / "sources.yml").write_text(yaml.safe_dump(doc))
    sources.clear_caches()


def test_series_break_is_read_from_the_manifest_and_recorded(sandbox, monkeypatch):
    _with_breaks(sandbox, [{"id": "new_rules", "from": "2031-02-01", "what": "the definition changed"}])
    log = sandbox["tmp"] / "inputs.log"
    monkeypatch.setenv("ANALYSIS_INPUTS_LOG", str(log))
    assert sources.series_break("demo", "new_rules") == pd.Timestamp("2031-02-01")
    (b,) = sources.series_breaks("demo")
    assert (b.id, b.what, b.reference) == ("new_rules", "the definition changed", "")
    # read once, recorded once, and a rebuild sees a corrected date as a changed input
    label, value = log.read_text().strip().split("\t")
    assert label == "demo#breaks" and sources.current_sha(label) == value
    _with_breaks(sandbox, [{"id": "new_rules", "from": "2031-03-01", "what": "the definition changed"}])
    assert sources.current_sha(label) != value
    assert sources.label_dataset(label) == "demo"


@pytest.mark.parametrize(
    "breaks, words",
    [
        (None, r"Dataset 'demo' has no series break 'new_rules' .*its 'breaks': none"),
        ([{"id": "other", "from": "2031-02-01", "what": "w"}], r"no series break 'new_rules' .*its 'breaks': other"),
        (
            [{"id": "new_rules", "from": "February 2031", "what": "w"}],
            r"dataset 'demo', 'breaks', entry 1 .*not a date",
        ),
        ([{"id": "new_rules", "what": "w"}], r"entry 1 \('new_rules'\): 'from' .* is required"),
        ([{"id": "new_rules", "from": "2031-02-01"}], r"entry 1: 'id' and 'what' .* are required"),
        ({"new_rules": "2031-02-01"}, r"dataset 'demo', 'breaks': expected a list"),
        ([{"id": "new_rules", "from": "2031-02-01", "what": "w"}] * 2, r"entry 2: break 'new_rules' is listed twice"),
    ],
)
def test_a_missing_or_malformed_series_break_names_the_dataset_and_the_break(sandbox, breaks, words):
    _with_breaks(sandbox, breaks)
    with pytest.raises(sources.DataSourceError, match=words):
        sources.series_break("demo", "new_rules")


def test_select_edition_defaults_to_the_latest_and_names_unknown_ids(sandbox):
    files = {"a.csv": {"sha256": _sha(PAYLOAD)}}
    doc = {
        "datasets": {
            "demo": {
                "title": "Demo",
                "editions": [
                    {"id": "old", "period": "first", "period_end": "2030-01-31", "files": files},
                    {"id": "new", "period": "second", "period_end": "2030-02-28", "files": files},
                ],
            }
        }
    }
    (sandbox["tmp"] / "sources.yml").write_text(yaml.safe_dump(doc))
    sources.clear_caches()
    assert sources.select_edition("demo").period.label == "second"
    assert sources.select_edition("demo", "old").period.label == "first"
    with pytest.raises(sources.DataSourceError, match=r"no edition 'gone'. Editions: old, new"):
        sources.select_edition("demo", "gone")


# --------------------------------------------------------------------------- downloads


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        kind = self.routes.get(self.path, "404")
        if kind == "ok":
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD)
        elif kind == "wrong":
            body = PAYLOAD.replace(b"1.5", b"9.9")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "drop":
            # Promise the whole file, send half, then drop the connection.
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD[: len(PAYLOAD) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
        elif kind == "500":
            self.send_error(500, "server error")
        else:
            self.send_error(404, "not found")


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("ANALYSIS_ALLOW_LOOPBACK_HTTP", "1")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _cache_is_clean(raw: Path) -> bool:
    folder = raw / "demo"
    return not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize("kind,expect", [("404", "404"), ("500", "500"), ("drop", ""), ("wrong", "")])
def test_failed_downloads_leave_nothing_and_say_why(sandbox, server, kind, expect):
    _Handler.routes = {"/a.csv": kind}
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD), "url": f"{server}/a.csv"}})
    with pytest.raises(sources.DataSourceError) as exc:
        sources.resolve("demo", "a.csv")
    msg = str(exc.value)
    assert "download of" in msg and "a.csv" in msg and _sha(PAYLOAD) in msg
    assert expect in msg
    assert _cache_is_clean(sandbox["raw"]), list((sandbox["raw"] / "demo").iterdir())
    # A later successful download works and lands verified in the cache.
    _Handler.routes = {"/a.csv": "ok"}
    path = sources.resolve("demo", "a.csv")
    assert path == sandbox["raw"] / "demo" / "a.csv"
    assert path.read_bytes() == PAYLOAD


def test_only_https_urls_are_fetched(sandbox, monkeypatch):
    monkeypatch.delenv("ANALYSIS_ALLOW_LOOPBACK_HTTP", raising=False)
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD), "url": "http://example.org/a.csv"}})
    with pytest.raises(sources.DataSourceError, match="only https"):
        sources.resolve("demo", "a.csv")
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD), "url": "file:///etc/passwd"}})
    with pytest.raises(sources.DataSourceError, match="only https"):
        sources.resolve("demo", "a.csv")


def test_loopback_http_needs_explicit_test_switch_and_loopback_host(sandbox, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ALLOW_LOOPBACK_HTTP", "1")
    sandbox["write"]({"a.csv": {"sha256": _sha(PAYLOAD), "url": "http://10.0.0.1/a.csv"}})
    with pytest.raises(sources.DataSourceError, match="only https"):
        sources.resolve("demo", "a.csv")


# --------------------------------------------------------------------------- the real manifest


def test_real_manifest_resolves_every_file_from_the_mirror(mirror, monkeypatch):
    """Every file in data/sources.yml is present in the mirror with the pinned bytes."""
    monkeypatch.delenv("ANALYSIS_SOURCES", raising=False)
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    sources._load_manifest.cache_clear()
    n = 0
    for ds in sources.manifest():
        for e in sources.editions(ds, all_editions=True):
            for spec in e.files:
                p = sources.resolve_spec(spec, download=False)
                assert p.is_relative_to(mirror) or p.is_relative_to(sources.raw_dir())
                n += 1
    assert n >= 180


def test_the_real_series_breaks_are_the_publishers():
    """The breaks the loaders read, as the publishers date them (NHS England)."""
    sources.clear_caches()
    rtt = {b.id: b for b in sources.series_breaks("rtt_incomplete")}
    assert rtt["community_services"].start.isoformat() == "2024-02-01"
    assert "community service pathways" in rtt["community_services"].what
    cwt = {b.id: b for b in sources.series_breaks("cancer_waiting_times")}
    assert cwt["combined_standards"].start.isoformat() == "2023-10-01"
    assert all(b.reference for b in [*rtt.values(), *cwt.values()])


def test_manifest_entries_have_required_metadata():
    sources._load_manifest.cache_clear()
    for ds, meta in sources.manifest().items():
        for key in ("title", "publisher", "official_page", "licence", "frequency", "kind", "editions"):
            assert meta.get(key), f"{ds}: {key} missing"
        assert meta["frequency"] in sources.FREQUENCIES and meta["kind"] in sources.KINDS, ds
        assert "files" not in meta, f"{ds}: still in the one-edition form (run tools/make_sources.py migrate)"
        for e in meta["editions"]:
            assert e.get("period") and e.get("added") and e.get("period_from") in ("file", "documentation"), (ds, e)
            for fname, f in e["files"].items():
                assert len(f["sha256"]) == 64, (ds, fname)
                if "url" in f:
                    assert f["url"].startswith("https://"), (ds, fname)
