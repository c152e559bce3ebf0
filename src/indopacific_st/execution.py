"""Execute the chapters' notebooks inside the build's own process, not in a kernel each.

The book build executes every notebook whenever the data changes. In a kernel of its own, each
notebook pays for a new Python process and for importing pandas, Altair and this package (two to
three seconds each on a 2-core machine) before its first line runs; in the build's worker
processes they are imported already, so a rebuild after a data edit spends its time on the
notebooks' own work. The notebook runs in IPython's in-process kernel, which speaks the same
messages as a separate kernel: outputs, glued values and errors are what a kernel gives (nbval
still runs each notebook in a real kernel, in `make test`).

Each notebook starts from an empty namespace, in its own folder, with a kernel that stops when it
ends. What it cannot give a separate kernel can: a fresh import of a module a notebook edits at
run time (none does), and a time limit on a cell.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import nbformat
from ipykernel.inprocess.manager import InProcessKernelManager
from jupyter_cache.executors.utils import ExecutionResult
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode
from traitlets.config import Config

# ipykernel's debugger warns on import, for every worker, that Python's frozen modules may hide
# breakpoints; nothing here sets any.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

OUTPUT_MESSAGES = {"stream", "display_data", "execute_result", "error"}


class StoppedKernelNoise(logging.Filter):
    """ipykernel stops an in-process kernel's output thread with its clean-up task pending, and
    asyncio reports each such task when it is collected: noise in the build's output."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "IOPubThread" not in str(getattr(record, "msg", "")) + repr(record.args)


logging.getLogger("asyncio").addFilter(StoppedKernelNoise())


@contextmanager
def working_directory(folder: Path):
    """Run in `folder`, as a kernel started there would, and return to where the build was."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@contextmanager
def in_process_kernel():
    """A kernel in this process, with an empty namespace, stopped (its output thread too) after."""
    # No input history on disk (~/.ipython) and no thread to write it; no cache of past results
    # (Out, _1, ...), whose clearing runs a full garbage collection at each notebook.
    settings = {"HistoryManager": {"enabled": False}, "InteractiveShell": {"cache_size": 0}}
    manager = InProcessKernelManager(config=Config(settings))
    manager.start_kernel()
    # The shell is one per process: clear what the last notebook defined.
    manager.kernel.shell.reset(new_session=True)
    client = manager.client()
    client.start_channels()
    try:
        yield manager.kernel, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel()


def run_cell(kernel, client, cell: NotebookNode) -> dict:
    """Execute one code cell, put its outputs on it and return the kernel's reply."""
    client.execute(cell.source, store_history=True)
    reply = client.get_shell_msg()
    # Printed text is sent in batches from a thread: send the rest before reading the messages.
    kernel.stdout.flush()
    kernel.stderr.flush()
    cell.outputs = []
    while client.iopub_channel.msg_ready():
        message = client.get_iopub_msg()
        if message["msg_type"] in OUTPUT_MESSAGES:
            cell.outputs.append(nbformat.v4.output_from_msg(message))
    cell.execution_count = reply["content"].get("execution_count")
    return reply["content"]


def execute_in_process(
    nb: NotebookNode, cwd: str | None, timeout, allow_errors: bool, **ignored
) -> ExecutionResult:
    """Execute `nb` in place, as jupyter-cache's `single_nb_execution` does in a kernel."""
    error = exc_string = None
    start = time.perf_counter()
    with working_directory(Path(cwd or Path.cwd())), in_process_kernel() as (kernel, client):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            reply = run_cell(kernel, client, cell)
            if reply["status"] != "ok" and not allow_errors:
                try:
                    raise CellExecutionError.from_cell_and_msg(cell, reply)
                except CellExecutionError as failure:
                    error, exc_string = failure, traceback.format_exc()
                break
    return ExecutionResult(nb, cwd, time.perf_counter() - start, error, exc_string)
