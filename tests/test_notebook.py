"""The worked analysis notebook runs from top to bottom, so it never goes stale."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "analisis-studi-contoh.ipynb"

# Executed by every test run, so the worked analysis never goes stale.


def test_sample_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(str(o.get("text", "")) for o in outputs)
    assert "12 berkas diimpor, 0 gagal" in text
    assert "docx: " in text and "xlsx: " in text and "qdpx: " in text
    assert "(Informan " in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the network picture is shown"
