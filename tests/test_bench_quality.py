"""The quality harness (bench/quality/run.py): goals, row parsing, the Markdown table, skipping."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("quality_run", ROOT / "bench" / "quality" / "run.py")
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)


@pytest.mark.parametrize("goal, figure, met", [
    (">= 0.78", 0.78, True), (">= 0.78", 0.7, False), ("<= 2", 1.5, True), (None, 0.5, None),
    (">= 0.6", None, None), ("about 0.7", 0.7, None),
])
def test_goal_met_reads_the_comparison_in_the_goal_string(goal, figure, met):
    assert harness.goal_met(goal, figure) is met


def test_rows_are_read_from_the_last_json_line_and_missing_fields_become_none():
    rows = harness.parse_rows('progress...\n{"rows": [{"task": "t", "figure": 0.5, "extra": 1}]}\n')
    assert rows == [{"task": "t", "data": None, "split": None, "metric": None, "figure": 0.5, "goal": None,
                     "model": None, "note": None}]
    with pytest.raises(ValueError, match="rows"):
        harness.parse_rows('{"bench": "x"}')


def test_markdown_table_marks_goals_and_escapes_pipes():
    table = harness.markdown([{"task": "a|b", "data": "d", "split": "dev_test_en", "metric": "F1",
                               "figure": 0.8, "goal": ">= 0.78", "model": "m", "note": "tuned on dev"}])
    assert "| a\\|b [1] | d | dev_test_en | F1 | 0.8 | >= 0.78 | yes | m |" in table
    assert "[1] tuned on dev" in table


def test_missing_dev_data_gives_a_skipped_row_and_exit_status_zero(tmp_path):
    code = ("import sys; sys.path.insert(0, %r); from bench.quality import _framing_data as d, eval_framing as e;"
            "from pathlib import Path; d.CHECKTHAT = Path(%r); e.main()") % (str(ROOT), str(tmp_path / "none"))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["rows"]
    assert rows and all(r["metric"] == "skipped" and "not found" in r["note"] for r in rows)
