"""The paper scheduler's message when its worker processes cannot start: a Python script that
builds at top level (no `if __name__ == "__main__":`) is named, with the fix."""

from __future__ import annotations

import subprocess
import sys
import types
from concurrent.futures.process import BrokenProcessPool

from cypp_lib import scheduler
from cypp_lib.paths import ROOT

SCRIPT = """
import sys
from pathlib import Path
from cypp_lib import scheduler
from cypp_lib.render import PaperSpec
out = Path(sys.argv[1])
specs = [PaperSpec(f"p{i}", "overview.ipynb", f"Paper {i}") for i in range(2)]
print("ERRORS:", scheduler.run_papers(specs, out / "executed", out / "staging", 2, print, {}))
"""


def test_a_script_without_a_main_guard_is_told_to_add_one(tmp_path):
    script = tmp_path / "my_build.py"
    script.write_text(SCRIPT, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    said = next(line for line in run.stdout.splitlines() if line.startswith("ERRORS:"))
    assert "the worker process stopped: BrokenProcessPool" in said
    assert f'{script} builds without `if __name__ == "__main__":`; put the build under it' in said


def test_no_hint_for_a_guarded_script_or_another_failure(tmp_path, monkeypatch):
    script = tmp_path / "guarded.py"
    script.write_text('if __name__ == "__main__":\n    pass\n', encoding="utf-8")
    monkeypatch.setitem(sys.modules, "__main__", types.SimpleNamespace(__file__=str(script)))
    assert scheduler._unguarded_script_hint(BrokenProcessPool("stopped")) == ""
    script.write_text("build()\n", encoding="utf-8")
    assert "builds without" in scheduler._unguarded_script_hint(BrokenProcessPool("stopped"))
    assert scheduler._unguarded_script_hint(MemoryError()) == ""  # not a pool that could not start
