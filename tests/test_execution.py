"""The build executes each notebook in its own process (execution.py): the same outputs as a
kernel gives, a clean namespace for each notebook, and a failing cell stops the notebook."""

from __future__ import annotations

import os
from pathlib import Path

import nbclient
import nbformat
import pytest

from indopacific_st.execution import execute_in_process

ROOT = Path(__file__).resolve().parents[1]


def notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def comparable(output: dict) -> dict:
    """An output without its execution count (a kernel counts its own) and with each PDF
    rendering reduced to its kind (a PDF file records when it was made)."""
    output = {k: v for k, v in output.items() if k != "execution_count"}
    if "data" in output:
        output["data"] = {
            mime: "a PDF"
            if mime.endswith("application/pdf") and value.startswith("JVBER")
            else value
            for mime, value in output["data"].items()
        }
    return output


def outputs(nb: nbformat.NotebookNode) -> list[list[dict]]:
    """Each code cell's outputs, to compare."""
    return [
        [comparable(output) for output in cell.outputs]
        for cell in nb.cells
        if cell.cell_type == "code"
    ]


def test_outputs_come_back_in_order_with_their_kind(tmp_path):
    nb = notebook("print('first')\nfrom IPython.display import display\ndisplay({'a': 1})", "2 + 3")
    result = execute_in_process(nb, str(tmp_path), None, False)
    assert result.err is None
    first, second = outputs(nb)
    assert [o["output_type"] for o in first] == ["stream", "display_data"]
    assert first[0]["text"] == "first\n"
    assert second == [
        {"output_type": "execute_result", "metadata": {}, "data": {"text/plain": "5"}}
    ]


def test_each_notebook_starts_from_an_empty_namespace_in_its_own_folder(tmp_path):
    execute_in_process(notebook("left_over = 1"), str(tmp_path), None, False)
    before = os.getcwd()
    nb = notebook("import os\nprint('left_over' in dir(), os.getcwd())")
    execute_in_process(nb, str(tmp_path), None, False)
    assert outputs(nb)[0][0]["text"] == f"False {tmp_path}\n"
    assert os.getcwd() == before


def test_a_failing_cell_stops_the_notebook_and_names_the_error(tmp_path):
    nb = notebook("x = 1", "raise RuntimeError('deliberate failure')", "print('not reached')")
    result = execute_in_process(nb, str(tmp_path), None, False)
    assert isinstance(result.err, nbclient.exceptions.CellExecutionError)
    assert "deliberate failure" in str(result.err) and "deliberate failure" in result.exc_string
    assert outputs(nb)[2] == []


@pytest.mark.slow
@pytest.mark.parametrize("chapter", ["intro", "australia"])
def test_a_chapter_gives_the_same_outputs_as_in_a_kernel(chapter):
    path = ROOT / "chapters" / f"{chapter}.ipynb"
    in_process = nbformat.read(path, as_version=4)
    in_kernel = nbformat.read(path, as_version=4)
    assert execute_in_process(in_process, str(path.parent), None, False).err is None
    nbclient.execute(in_kernel, cwd=str(path.parent))
    assert outputs(in_process) == outputs(in_kernel)
