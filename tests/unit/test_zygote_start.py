"""The warm engine's zygote imports while the build goes on: its constructor returns at once and
the first run waits for it; a zygote that dies while importing is reported, not waited for."""

from __future__ import annotations

import sys

import pytest

from analysis.build.warm import Zygote


def _module(tmp_path, name: str, body: str) -> str:
    (tmp_path / f"{name}.py").write_text(body)
    return name


@pytest.fixture
def on_path(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))  # the spawned zygote is given this sys.path
    return tmp_path


def test_the_constructor_does_not_wait_for_the_imports(on_path):
    done = on_path / "imported"
    name = _module(
        on_path, "slow_to_import", f"import time, pathlib\ntime.sleep(3)\npathlib.Path({str(done)!r}).touch()\n"
    )
    z = Zygote(1, [name])
    try:
        assert z.start_seconds is None and not done.exists()  # still importing: the caller goes on
        z.wait_ready()
        assert done.exists()
        assert z.start_seconds >= 3
        assert list(z.run([])) == []  # ready already: run does not wait again
    finally:
        z.close()


def test_a_zygote_that_dies_while_importing_is_reported(on_path):
    name = _module(on_path, "dies_on_import", "import os\nos._exit(3)\n")
    z = Zygote(1, [name])
    try:
        with pytest.raises(RuntimeError, match=r"zygote did not start \(exit code 3\)"):
            z.wait_ready()
    finally:
        z.close()
    assert sys.modules.get(name) is None
