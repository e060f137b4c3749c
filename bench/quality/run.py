"""Run every bench/quality/eval_*.py in its own process and gather their rows (`make quality`).

Protocol: each eval script prints ONE JSON object {"rows": [{task, data, split, metric, figure,
goal, model, note}]} on stdout. `goal` is a string such as ">= 0.78" (or null); `split` names the
exact split the figure comes from, and a figure on data a model was tuned on says so in `note`.
A script without its dev data (../shared/data) prints a row with metric "skipped" and exits 0.
Results: bench/quality/out/quality.json and quality.md (a Markdown table, also printed).
Exit status: non-zero when a script crashed or printed no valid rows; unmet goals do not fail.

Usage: python bench/quality/run.py [--only NAME ...] [--timeout SECONDS] [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import operator
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIELDS = ("task", "data", "split", "metric", "figure", "goal", "model", "note")
GOAL = re.compile(r"^\s*(>=|<=|>|<|==)\s*(-?\d+(?:\.\d+)?)\s*$")
OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}


def scripts(only: list[str] | None = None) -> list[Path]:
    """eval_*.py files of this folder in name order, optionally only those named in `only`."""
    found = sorted(HERE.glob("eval_*.py"))
    return [p for p in found if not only or p.stem in only or p.name in only]


def goal_met(goal: str | None, figure) -> bool | None:
    """True/False when `goal` (e.g. ">= 0.78") applies to a numeric figure, else None."""
    m = GOAL.match(goal or "")
    if not m or not isinstance(figure, (int, float)) or isinstance(figure, bool):
        return None
    return OPS[m.group(1)](figure, float(m.group(2)))


def parse_rows(stdout: str) -> list[dict]:
    """Rows of the last line (or whole output) that is a JSON object with a "rows" list."""
    candidates = [stdout.strip()] + [line for line in reversed(stdout.strip().splitlines())]
    for text in candidates:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("rows"), list):
            return [{k: row.get(k) for k in FIELDS} for row in data["rows"] if isinstance(row, dict)]
    raise ValueError("printed no JSON object with a 'rows' list")


def run_one(path: Path, timeout_s: float) -> tuple[list[dict], str | None]:
    """(rows, error) of one eval script; stderr passes through so progress stays visible."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        proc = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout_s:.0f} s"
    try:
        rows = parse_rows(proc.stdout)
    except ValueError as exc:
        return [], f"{exc} (exit status {proc.returncode}; last output: {proc.stdout[-300:]!r})"
    return rows, (f"exit status {proc.returncode}" if proc.returncode else None)


def markdown(rows: list[dict]) -> str:
    """The table: task, data, split, metric, figure, goal, met?, model (notes as footnotes)."""
    head = "| task | data | split | metric | figure | goal | met? | model |\n|---|---|---|---|---|---|---|---|"
    lines, notes = [head], []
    for row in rows:
        met = {True: "yes", False: "no", None: "–"}[goal_met(row.get("goal"), row.get("figure"))]
        cells = [row.get(k) for k in ("task", "data", "split", "metric", "figure", "goal")] + [met, row.get("model")]
        if row.get("note"):
            notes.append(row["note"])
            cells[0] = f"{cells[0]} [{len(notes)}]"
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines + [""] + [f"[{i}] {n}" for i, n in enumerate(notes, 1)]) + "\n"


def _cell(value) -> str:
    text = "–" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value))
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="eval script names (with or without .py)")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("QUALITY_TIMEOUT", 3600)),
                        help="seconds per script (env QUALITY_TIMEOUT; default 3600)")
    parser.add_argument("--out", default=str(HERE / "out"), help="folder for quality.json and quality.md")
    args = parser.parse_args(argv)
    rows, failed = [], []
    for path in scripts(args.only):
        start = time.monotonic()
        print(f"== {path.relative_to(ROOT)}", file=sys.stderr, flush=True)
        got, error = run_one(path, args.timeout)
        for row in got:
            row["script"], row["met"] = path.name, goal_met(row.get("goal"), row.get("figure"))
        rows.extend(got)
        if error:
            failed.append({"script": path.name, "error": error})
            print(f"!! {path.name}: {error}", file=sys.stderr, flush=True)
        print(f"   {len(got)} rows in {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "quality.json").write_text(json.dumps({"rows": rows, "failed": failed}, indent=1, ensure_ascii=False)
                                      + "\n", encoding="utf-8")
    table = markdown(rows)
    (out / "quality.md").write_text(table, encoding="utf-8")
    print(table)
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
