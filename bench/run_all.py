"""Run every benchmark script in bench/ and check that each prints JSON (`make bench`).

Each script runs in its own process (a crash or a hung model cannot take the others down),
with a time limit. Its stdout must hold a JSON document (the whole output, or its last JSON
line/block); the figures are gathered into bench/out/results.json. Exit status is non-zero when
any script failed or printed no JSON, after all of them have run.

Usage: python bench/run_all.py [--only NAME ...] [--timeout SECONDS] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SKIP = {"run_all.py"}


def scripts(only: list[str] | None = None) -> list[Path]:
    """The benchmark scripts, in name order (helpers named `_*.py` are not run)."""
    found = [p for p in sorted(BENCH_DIR.glob("*.py")) if p.name not in SKIP and not p.name.startswith("_")]
    if only:
        found = [p for p in found if p.stem in only or p.name in only]
    return found


def parse_json(stdout: str) -> object | None:
    """The JSON a script printed: all of stdout, else the last line or `{...}` block that parses."""
    text = stdout.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    lines = text.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].lstrip().startswith(("{", "[")):
            try:
                return json.loads("\n".join(lines[i:]))
            except ValueError:
                continue
    return None


def run_one(path: Path, timeout_s: float) -> dict:
    """Run one script; return {script, rc, seconds, json|error}. Its stderr passes through."""
    start = time.monotonic()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        proc = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=None, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return {"script": path.name, "rc": None, "seconds": round(time.monotonic() - start, 1),
                "error": f"timed out after {timeout_s:.0f} s", "stdout_tail": out[-500:]}
    seconds = round(time.monotonic() - start, 1)
    sys.stdout.write(proc.stdout)
    result = {"script": path.name, "rc": proc.returncode, "seconds": seconds}
    data = parse_json(proc.stdout)
    if proc.returncode != 0:
        result["error"] = f"exit status {proc.returncode}"
    if data is None:
        result["error"] = result.get("error") or "printed no JSON"
        result["stdout_tail"] = proc.stdout[-500:]
    else:
        result["json"] = data
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="script names (with or without .py) to run")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("BENCH_TIMEOUT", 1800)),
                        help="seconds per script (env BENCH_TIMEOUT; default 1800)")
    parser.add_argument("--out", default=str(BENCH_DIR / "out" / "results.json"))
    args = parser.parse_args(argv)
    results = []
    for path in scripts(args.only):
        print(f"== {path.relative_to(ROOT)}", flush=True)
        results.append(run_one(path, args.timeout))
        if "error" in results[-1]:
            print(f"!! {path.name}: {results[-1]['error']}", file=sys.stderr, flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = [r["script"] for r in results if "error" in r]
    print(json.dumps({"scripts": len(results), "failed": failed, "results_file": args.out}))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
