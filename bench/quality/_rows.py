"""The one output shape of bench/quality scripts, and the row printed when dev data is missing.

Like bench/_data.require, a clone without ../shared/data gets one readable line and exit 0, but
in the `{"rows": [...]}` shape bench/quality/run.py gathers, so the skip shows up in its table.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

FIELDS = ("task", "data", "split", "metric", "figure", "goal", "model", "note")


def require_rows(task: str, *paths: Path) -> None:
    """Print a skipped row and exit 0 unless every path exists."""
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        note = (f"skipped: dev data not found: {', '.join(missing)} "
                "(put the shared data set at ../shared/data; see its README)")
        row = dict.fromkeys(FIELDS)
        row.update(task=task, data=", ".join(Path(p).name for p in missing), note=note)
        print(json.dumps({"rows": [row]}, ensure_ascii=False))
        sys.exit(0)
