"""Run a chapter notebook inside a warm Python process instead of a fresh Jupyter kernel.

A fresh kernel per notebook costs a process start, the imports of the scientific stack and of
the package, and reading the national tables again: for a chapter of a few seconds, that fixed
cost is most of the time. Here a *zygote* process (``multiprocessing``'s forkserver) imports
everything once and loads the national tables the chapters share (``prepare`` in
``book/chapters.yml``); each chapter then runs in a child forked from it, so it starts with all of
that already in memory, and ends with its process: nothing it changes (module state, options,
environment, a half-filled cache) can reach another chapter or another ICB's book. That is the
isolation a fresh kernel gives, at the cost of a fork.

In the child the notebook's code cells run in an IPython shell, with papermill's own parameter
injection, and every output a kernel would send (streams, display data with its metadata,
execute results, errors) is collected into the notebook in the same order, so the executed
notebook is the one a kernel would produce: ``tests/book/test_engines.py`` checks that every
chapter's outputs are identical under both engines for three contrasting ICBs.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
from pathlib import Path

import nbformat


class CellError(Exception):
    """A code cell raised: its (1-based) code-cell number, exception name and value."""

    def __init__(self, cell: int, first_line: str, ename: str, evalue: str, tb: str):
        super().__init__(f"{ename}: {evalue}")
        self.cell, self.first_line, self.ename, self.evalue, self.tb = cell, first_line, ename, evalue, tb


class _Outputs:
    """The outputs of one cell, in the order they happen, merged as a kernel would send them."""

    def __init__(self, execution_count: int) -> None:
        self.items: list[nbformat.NotebookNode] = []
        self.execution_count = execution_count

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == name:
            last["text"] += text
        else:
            self.items.append(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, data: dict, metadata: dict | None) -> None:
        self.items.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))


class _Stream(io.TextIOBase):
    def __init__(self, outputs_ref: list, name: str) -> None:
        self._ref, self.name = outputs_ref, name

    def write(self, text: str) -> int:
        self._ref[0].stream(self.name, text)
        return len(text)

    def writable(self) -> bool:
        return True


def _shell():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(history_length=0, colors="nocolor")
    shell.history_manager.enabled = False

    class Publisher(DisplayPublisher):
        current: list = [None]

        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            Publisher.current[0].display(data, metadata)

        def clear_output(self, wait=False):
            Publisher.current[0].items.clear()

    class Hook(DisplayHook):
        """A cell's last expression becomes an execute_result output, as a kernel sends it (the
        terminal's hook would print ``Out[n]:`` instead)."""

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            Publisher.current[0].items.append(
                nbformat.v4.new_output(
                    "execute_result",
                    data=format_dict,
                    metadata=md_dict or {},
                    execution_count=Publisher.current[0].execution_count,
                )
            )

        def finish_displayhook(self):
            pass

    if not isinstance(shell.display_pub, Publisher):
        shell.display_pub = Publisher(shell=shell)
        shell.displayhook = Hook(shell=shell, cache_size=0)
        shell.display_trap.hook = shell.displayhook  # the trap installs it as sys.displayhook per cell
        # A kernel sends a failing cell's traceback as an error output, not as printed text: the
        # error output is made in execute_notebook.
        shell.showtraceback = lambda *args, **kwargs: None
        shell.showsyntaxerror = lambda *args, **kwargs: None
    return shell, Publisher.current


def execute_notebook(source: Path, out: Path, parameters: dict, cwd: Path) -> nbformat.NotebookNode:
    """Execute ``source`` with ``parameters`` (injected as papermill injects them) in this process,
    with ``cwd`` as the working directory; write the executed notebook to ``out``. Raises
    :class:`CellError` for a failing cell (the notebook, with the error output, is written)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(source))  # papermill's own reading (adds the metadata it expects)
    nb = parameterize_notebook(nb, parameters, report_mode=True)
    shell, current = _shell()
    os.chdir(cwd)
    saved = sys.stdout, sys.stderr
    code_no = 0
    count = 0
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            injected = "injected-parameters" in cell.get("metadata", {}).get("tags", [])
            if not injected:
                code_no += 1
            count += 1
            outputs = _Outputs(count)
            current[0] = outputs
            ref = [outputs]
            sys.stdout, sys.stderr = _Stream(ref, "stdout"), _Stream(ref, "stderr")
            # warnings reach stderr as in a kernel (the process's own filters decide which show)
            result = shell.run_cell(cell.source, store_history=False, silent=False)
            cell.execution_count = count
            err = result.error_in_exec or result.error_before_exec
            if err is not None:
                tb = "".join(traceback.format_exception(type(err), err, err.__traceback__))
                outputs.items.append(
                    nbformat.v4.new_output(
                        "error", ename=type(err).__name__, evalue=str(err), traceback=tb.splitlines()
                    )
                )
                cell.outputs = outputs.items
                nbformat.write(nb, out)
                first = cell.source.strip().splitlines()[:1]
                raise CellError(code_no, first[0] if first else "", type(err).__name__, str(err), tb)
            cell.outputs = outputs.items
    finally:
        sys.stdout, sys.stderr = saved
        current[0] = None
    nbformat.write(nb, out)
    return nb
