"""Repository hygiene: notebooks committed without outputs; CLI help and light imports."""

import json
import subprocess
import sys

import pytest

from cypp_lib.paths import NOTEBOOKS, ROOT


@pytest.mark.parametrize("nb", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_committed_without_outputs(nb):
    doc = json.loads(nb.read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(doc["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{nb.name}: cells {dirty} have outputs; run `make format` (nbstripout)"


def test_paper_notebooks_have_a_parameters_cell():
    for name in ("overview", "priority", "annual_report", "explore"):
        doc = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert any("parameters" in c["metadata"].get("tags", []) for c in doc["cells"]), name


def test_hygiene_check_detects_an_output(tmp_path):
    doc = json.loads((NOTEBOOKS / "explore.ipynb").read_text(encoding="utf-8"))
    code = next(c for c in doc["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(doc))
    with pytest.raises(AssertionError, match="have outputs"):
        test_notebook_committed_without_outputs(bad)


def _run(*args):
    return subprocess.run([sys.executable, "-m", "cypp_lib.cli", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("cmd", [[], ["build"], ["validate"], ["demo-data"], ["catalogue"]])
def test_help_explains_each_command(cmd):
    r = _run(*cmd, "--help")
    assert r.returncode == 0 and "usage: cypp" in r.stdout and len(r.stdout) > 200


def test_version():
    from cypp_lib import __version__

    assert _run("--version").stdout.strip() == f"cypp {__version__}"


def test_help_does_not_import_heavy_packages():
    code = ("import sys; from cypp_lib import cli\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit: pass\n"
            "heavy = [m for m in ('great_expectations', 'seaborn', 'papermill', 'nbconvert') if m in sys.modules]\n"
            "print(heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip().splitlines()[-1] == "[]"
