"""Create or refresh a chapter notebook (.ipynb) from a py:percent script.

    python tools/new_notebook.py notebooks/src/population.py notebooks/population.ipynb

The .ipynb is what papermill runs and what analysts open in Jupyter; this helper only saves
typing when writing a chapter as plain text. The first code cell must be tagged parameters:
    # %% tags=["parameters"]
"""
import sys

import jupytext
import nbformat

src, dst = sys.argv[1], sys.argv[2]
nb = jupytext.read(src, fmt="py:percent")
nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
               "language_info": {"name": "python"}}
for cell in nb.cells:
    cell.metadata.pop("lines_to_next_cell", None)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
nbformat.validator.normalize(nb)
nbformat.write(nb, dst)
print(f"wrote {dst}")
