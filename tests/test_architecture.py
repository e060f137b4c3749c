"""The shape of the codebase: layers import only downward, each table is queried only by the
layer that owns it (corpus.ownership.TABLE_OWNERS), no import cycle, small folders and modules.

Everything is read with `ast` from the source files, so the checks see function-level imports
and SQL inside f-strings as well.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import sqlite_utils

from corpus.ownership import LAYERS, TABLE_OWNERS
from corpus.schema import migrate

ROOT = Path(__file__).resolve().parent.parent
RANK = {layer: i for i, layer in enumerate(LAYERS)}
# corpus/schema.py creates every table by design: the whole schema lives in one place.
SCHEMA = Path("corpus/schema.py")
SQL_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?: IF NOT EXISTS)?)\s+\[?([A-Za-z_][A-Za-z0-9_]*)")
MAX_FILES = 12  # modules per annotate/ subfolder (STYLE.md: split a folder past a dozen files)
MAX_LINES = 300  # STYLE.md: modules under ~300 lines
# The schema is one ordered list of migrations by design (STYLE.md: "the whole schema in one place"):
# it grows with every migration, so it is the one module the size rule does not cut.
LONG_BY_DESIGN = {"corpus/schema.py"}


def modules() -> dict[str, Path]:
    """{dotted module name: path} of every module of the four layers."""
    out = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(parts)] = path
    return out


MODULES = modules()


def imported(path: Path) -> set[str]:
    """Project modules `path` imports (a `from pkg import name` of a submodule counts as it)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] in RANK)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] not in RANK:
                continue
            subs = {f"{node.module}.{a.name}" for a in node.names} & MODULES.keys()
            out.update(subs or {node.module})
    return out


def tables_touched(path: Path) -> set[str]:
    """Tables named by SQL in string literals, db.table("x") and db["x"] in `path`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(SQL_TABLE.findall(node.value))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "table"
              and node.args and isinstance(node.args[0], ast.Constant)):
            found.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "db" \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            found.add(node.slice.value)
    return {t for t in found if t in TABLE_OWNERS}


def layer_of(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module):
    mine = RANK[layer_of(module)]
    higher = sorted(m for m in imported(MODULES[module]) if RANK[layer_of(m)] > mine)
    assert higher == [], f"{module} imports a higher layer: {higher}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if MODULES[m].relative_to(ROOT) != SCHEMA))
def test_no_module_queries_a_table_another_layer_owns(module):
    foreign = sorted(t for t in tables_touched(MODULES[module]) if TABLE_OWNERS[t] != layer_of(module))
    assert foreign == [], f"{module} queries {[(t, TABLE_OWNERS[t]) for t in foreign]}"


def test_every_table_the_migrations_create_has_an_owner(tmp_path):
    db = sqlite_utils.Database(tmp_path / "owners.db")
    migrate(db)
    assert sorted(set(db.table_names()) - TABLE_OWNERS.keys()) == []
    assert set(TABLE_OWNERS.values()) <= set(LAYERS)


def test_the_table_scanner_sees_sql_in_fstrings_and_table_calls(tmp_path):
    # The ownership test is only as good as its scanner: prove it finds each way SQL is written.
    src = tmp_path / "probe.py"
    src.write_text('def f(db, marks):\n'
                   '    db.execute(f"SELECT a FROM passages p JOIN stories s ON 1 WHERE x IN ({marks})")\n'
                   '    db.table("users").insert({})\n    db["exercises"].count\n'
                   '    db.execute("UPDATE alignments SET x = 1")\n    return "sold from users"\n')
    assert tables_touched(src) == {"passages", "stories", "users", "exercises", "alignments"}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` as a path, or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph[start])))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                path = [n for n, _ in stack]
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def test_no_import_cycle_among_modules():
    graph = {m: {i for i in imported(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph))}"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("folder", sorted(p for p in (ROOT / "annotate").iterdir()
                                          if p.is_dir() and (p / "__init__.py").exists()))
def test_each_annotate_subfolder_holds_at_most_a_dozen_modules(folder):
    files = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
    assert len(files) <= MAX_FILES, f"{folder.name}/ has {len(files)} modules: split it by job"


def test_modules_stay_under_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
            and str(p.relative_to(ROOT)) not in LONG_BY_DESIGN}
    assert long == {}


def test_annotate_has_no_flat_modules_left_but_its_entry_points():
    flat = sorted(p.name for p in (ROOT / "annotate").glob("*.py"))
    assert flat == ["__init__.py", "aligned.py", "pipeline.py", "suggest.py"]
