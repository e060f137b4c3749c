"""Dev data for the benchmarks lives outside the repo (`../shared/data`, see its README).

`require` turns its absence into one clear JSON line and exit status 0, so `make bench` on a
clone without the data reports which figures were skipped instead of stopping on a traceback.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def require(bench: str, *paths: Path) -> None:
    """Print {"bench", "skipped"} and exit 0 unless every path exists."""
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        print(json.dumps({"bench": bench, "skipped": f"dev data not found: {', '.join(missing)} "
                          f"(put the shared data set at {SHARED_DATA}; see its README)"}))
        sys.exit(0)
