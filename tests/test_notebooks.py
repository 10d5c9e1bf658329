"""The Voilà app notebooks (notebooks/) run cleanly under nbval, build their widgets and stay thin.

``pytest --nbval-lax`` executes every cell of each notebook in a fresh kernel and fails on any error
(outputs are not compared: the widgets differ per run). It runs in a subprocess because the suite's
test path is tests/. A second check executes each notebook with nbclient and requires a widget view in
its output, so a notebook that silently shows nothing also fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_there_are_app_notebooks():
    assert {p.name for p in NOTEBOOKS} >= {"self_check.ipynb", "spot_check_plan.ipynb"}


def test_notebooks_run_under_nbval():
    pytest.importorskip("nbval")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO),
         *map(str, NOTEBOOKS)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert f"{len(NOTEBOOKS)} passed" in proc.stdout, proc.stdout[-2000:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_shows_a_widget_and_holds_no_logic(path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    source = "\n".join(c.source for c in code)
    # thin: the notebook only wires the app from the package (no rule logic lives in a notebook)
    assert len(source.splitlines()) <= 10, path.name
    assert "import zyfw_checks.app" in source or "from zyfw_checks.app" in source, path.name
    assert "def " not in source and "pandas" not in source, path.name
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"], path.name
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outputs), f"{path.name} 没有显示任何控件：{json.dumps(outputs)[:500]}"
