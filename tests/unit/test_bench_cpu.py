"""The benchmark's CPU accounting: the work a build did, and the least time it can take on the
machine's cores (the figure the build-speed targets are read against)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import bench


def test_cpu_of_children_counts_a_grandchild_that_was_waited_for():
    # A child that forks a busy grandchild and waits for it: the grandchild's CPU is counted, as
    # the forked chapter runs of the warm engine are counted in the build's.
    code = (
        "import os\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    x = 0\n"
        "    for i in range(6_000_000): x += i\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
    )
    before = bench._cpu_of_children()
    subprocess.run([sys.executable, "-c", code], check=True)
    assert bench._cpu_of_children() - before > 0.2


def test_floor_is_the_work_divided_by_the_cores():
    (line,) = bench.cpu_floor_lines("a build", wall=100.0, cpu=150.0, cores=2)
    assert "100.0 s on the clock, 150.0 s of CPU" in line
    assert "cannot take less than 75.0 s" in line
    assert "75% busy" in line


def test_floor_refuses_a_build_that_used_no_cpu():
    with pytest.raises(ValueError, match="positive CPU seconds"):
        bench.cpu_floor_lines("a build", wall=10.0, cpu=0.0, cores=2)
