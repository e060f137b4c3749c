"""`make bench` runs every bench script, checks each prints JSON, and benches whose dev data is
absent say so cleanly instead of stopping on a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run_all

ROOT = Path(__file__).resolve().parent.parent
DATA_BENCHES = sorted(p.name for p in (ROOT / "bench").glob("*.py")
                      if '"shared" / "data"' in p.read_text(encoding="utf-8") and not p.name.startswith("_"))


def test_parse_json_takes_the_document_or_the_last_json_block():
    assert run_all.parse_json('{"a": 1}') == {"a": 1}
    assert run_all.parse_json('loading model...\n{"a": 1,\n "b": [2]}\n') == {"a": 1, "b": [2]}
    assert run_all.parse_json("progress 1/2\n[1, 2]") == [1, 2]
    assert run_all.parse_json("no json here") is None
    assert run_all.parse_json("") is None


@pytest.mark.parametrize("source, error", [
    ("import json; print(json.dumps({'ok': 1}))", None),
    ("print('just words')", "printed no JSON"),
    ("import sys; print('{\"partial\": 1}'); sys.exit(3)", "exit status 3"),
    ("raise SystemExit(0)", "printed no JSON"),
    ("import time; time.sleep(30)", "timed out"),
])
def test_run_one_flags_scripts_that_fail_print_no_json_or_hang(tmp_path, source, error):
    script = tmp_path / "b.py"
    script.write_text(source, encoding="utf-8")
    # A hang is cut at 2 s; the scripts that end get a minute, so a busy machine cannot fail them.
    result = run_all.run_one(script, timeout_s=2 if error == "timed out" else 60)
    if error is None:
        assert "error" not in result and result["json"] == {"ok": 1}
    else:
        assert error in result["error"]


def test_run_all_runs_every_bench_script_but_itself_and_helpers():
    names = [p.name for p in run_all.scripts()]
    assert "run_all.py" not in names and not any(n.startswith("_") for n in names)
    assert "load_annotate.py" in names
    assert names == sorted(names)


def test_makefile_bench_target_runs_run_all():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile[makefile.index("\nbench:"):].split("\n\n")[0]
    assert "bench/run_all.py" in target


@pytest.mark.parametrize("name", DATA_BENCHES)
def test_bench_without_the_shared_dev_data_prints_a_clear_skip(tmp_path, name):
    """A copy of the repo with no ../shared/data beside it: the bench exits 0 with a JSON skip."""
    repo = tmp_path / "repo"
    (repo / "bench").mkdir(parents=True)
    for entry in ROOT.iterdir():
        if entry.name not in ("bench", ".venv", ".git", "instance"):
            (repo / entry.name).symlink_to(entry)
    for script in (ROOT / "bench").glob("*.py"):
        (repo / "bench" / script.name).write_bytes(script.read_bytes())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, str(repo / "bench" / name)], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert "Traceback" not in proc.stderr
    document = run_all.parse_json(proc.stdout)
    assert isinstance(document, dict) and "skipped" in document, proc.stdout[-500:]
    assert "data" in json.dumps(document)
