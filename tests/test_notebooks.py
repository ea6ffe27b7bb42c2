"""The notebooks: paired, without outputs, parametrised, and running top to bottom.

Every ``notebooks/NN_*.py`` (jupytext percent format, the source of truth) and every
``notebooks/programmes/<programme>.py`` (one per folder of ``data/programmes``) has an
``.ipynb`` twin with the same cells and no outputs; each has a ``parameters`` cell
(papermill convention) with ``DATA_DIR``, ``AS_OF`` and ``SEED`` whose defaults run the
bundled synthetic trial (the programme notebooks: their programme's folder); and each
executes without error in its own ``python3`` kernel with its own folder as working
directory, renders its figures as images and shows no participant, employer or
household identifier.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbclient
import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
#: One notebook per programme of the seeds, named as its folder in data/programmes.
PROGRAMMES = NOTEBOOKS / "programmes"
PROGRAMME_SOURCES = sorted(PROGRAMMES.glob("*.py"))
EVERY_SOURCE = SOURCES + PROGRAMME_SOURCES
EVERY_ID = [p.stem for p in SOURCES] + [f"programmes-{p.stem}" for p in PROGRAMME_SOURCES]
PARAMETERS = ("DATA_DIR", "AS_OF", "SEED")
FIGURE_CALL = re.compile(r"display\(\s*[a-z_]*figure\(")


def _cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(cell.cell_type, cell.source, tuple(cell.metadata.get("tags", ())))
            for cell in notebook.cells]


def test_the_eight_notebooks_are_numbered_in_order():
    numbers = [int(path.name[:2]) for path in SOURCES]
    assert numbers == list(range(1, 9)), [path.name for path in SOURCES]
    orphans = {p.stem for p in NOTEBOOKS.glob("*.ipynb")} - {p.stem for p in SOURCES}
    assert not orphans, f"notebooks without a .py source: {sorted(orphans)}"


def test_one_programme_notebook_per_programme_folder():
    folders = sorted(p.name for p in (ROOT / "data" / "programmes").iterdir() if p.is_dir())
    assert [p.stem for p in PROGRAMME_SOURCES] == folders
    orphans = {p.stem for p in PROGRAMMES.glob("*.ipynb")} - set(folders)
    assert not orphans, f"notebooks without a .py source: {sorted(orphans)}"


def _data_dir(source: Path) -> Path:
    """The trial directory a notebook's defaults run on."""
    if source.parent == PROGRAMMES:
        return ROOT / "data" / "programmes" / source.stem
    return ROOT / "data" / "synthetic"


@pytest.mark.parametrize("source", EVERY_SOURCE, ids=EVERY_ID)
def test_ipynb_twin_has_the_same_cells_and_no_outputs(source: Path):
    twin = source.with_suffix(".ipynb")
    assert twin.exists(), f"{twin.name} is missing: run jupytext --to ipynb {source.name}"
    text = jupytext.read(source)
    stored = nbformat.read(twin, as_version=4)
    nbformat.validate(stored)
    assert _cells(stored) == _cells(text), (
        f"{twin.name} and {source.name} differ: run jupytext --sync {source.parent}/*.py")
    for notebook in (text, stored):
        assert notebook.metadata["jupytext"]["formats"] == "ipynb,py:percent"
        assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in stored.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{twin.name} has outputs: clear them"
            assert cell.execution_count is None, f"{twin.name} has execution counts"


@pytest.mark.parametrize("source", EVERY_SOURCE, ids=EVERY_ID)
def test_title_then_parameters_cell_with_the_bundled_defaults(source: Path):
    cells = jupytext.read(source).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    code = [cell for cell in cells if cell.cell_type == "code"]
    first = code[0]
    assert "parameters" in first.metadata.get("tags", ()), (
        "the first code cell must be tagged 'parameters'")
    assert sum("parameters" in c.metadata.get("tags", ()) for c in cells) == 1
    assigned = {target.id for node in ast.parse(first.source).body
                if isinstance(node, ast.Assign) for target in node.targets
                if isinstance(target, ast.Name)}
    assert assigned == set(PARAMETERS), assigned
    namespace: dict = {}
    exec(compile(first.source, f"{source.name}:parameters", "exec"), namespace)
    assert (source.parent / namespace["DATA_DIR"]).resolve() == _data_dir(source)
    assert namespace["AS_OF"] is None
    assert namespace["SEED"] == 20140701
    later = "\n".join(cell.source for cell in code[1:])
    for name in ("DATA_DIR", "AS_OF"):  # changing them changes what the notebook shows
        assert re.search(rf"\b{name}\b", later), f"{name} is never used after the cell"


def _identifiers(data: Path) -> list[str]:
    people = pd.read_csv(data / "participants.csv", dtype=str)
    survey = pd.read_csv(data / "employer_survey.csv", usecols=["employer_id"], dtype=str)
    ids = set(people["participant_id"]) | set(survey["employer_id"].dropna())
    if "household_id" in people:
        ids |= set(people["household_id"].dropna())
    return sorted(ids)


def _texts(cell: nbformat.NotebookNode) -> list[str]:
    out = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            out.append(output.text)
        for kind in ("text/plain", "text/html", "text/markdown"):
            if kind in output.get("data", {}):
                out.append(output.data[kind])
    return out


@pytest.mark.slow
@pytest.mark.parametrize("source", EVERY_SOURCE, ids=EVERY_ID)
def test_notebook_runs_top_to_bottom(source: Path):
    notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=300,
                                     resources={"metadata": {"path": str(source.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    expected = sum(len(FIGURE_CALL.findall(cell.source)) for cell in code)
    assert len(images) == expected, "every displayed figure renders as an image"
    ids = _identifiers(_data_dir(source))
    pattern = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, ids))
                         + r")(?![A-Za-z0-9_])")
    leaks = [m.group(0) for c in code for text in _texts(c) for m in pattern.finditer(text)]
    assert not leaks, f"identifiers in the outputs: {sorted(set(leaks))[:5]}"
