"""Terminal side-by-side view of two aligned articles (rich renderables, no printing here).

Article text is hostile: it only ever goes into `rich.text.Text` objects (never markup strings,
where `[bold]` inside an article would be interpreted), after control characters are neutralised.
"""
from __future__ import annotations

from rich.table import Table
from rich.text import Text

from corpus import store as corpus_store

KIND_STYLE = {"verbatim": "bold cyan", "quoted": "bold magenta", "partial": "bold yellow",
              "paraphrase": "bold blue", "addition": "bold green"}


def _clean(text: str) -> str:
    """Same-length text without terminal control characters (offsets of diff ops still apply)."""
    return "".join("\ufffd" if (ord(ch) < 32 and ch not in "\t\n") or 0x7F <= ord(ch) < 0xA0 else ch
                   for ch in text)


def highlighted(text: str, ops: list[dict], side: str) -> Text:
    """`text` with the diff's changes on `side` ("a": deleted/replaced, "b": inserted/replaced)."""
    out = Text(_clean(text))
    changed = ("delete", "replace") if side == "a" else ("insert", "replace")
    style = "red strike" if side == "a" else "green underline"
    for op in ops:
        if op["op"] in changed:
            start, end = op[side]
            out.stylize(style, start, end)
    return out


def _label(kind: str, score: float | None = None) -> Text:
    label = Text(kind, style=KIND_STYLE.get(kind, "bold"))
    if score is not None:
        label.append(f"\n{score:.2f}", style="dim")
    return label


def side_by_side(db, a: str, b: str, result: dict) -> Table:
    """A table: passages of A in order with their aligned B passages; additions on either side."""
    pa = {p["id"]: p for p in corpus_store.get_passages(db, a, content_only=True)}
    pb = {p["id"]: p for p in corpus_store.get_passages(db, b, content_only=True)}
    titles = [corpus_store.get_article(db, x, with_text=False) for x in (a, b)]
    heads = [_clean(f"{t['id']} {t.get('outlet') or ''} {t.get('title') or ''}".strip()) for t in titles]
    table = Table(show_lines=True, expand=True)
    table.add_column(Text(heads[0]), ratio=1)
    table.add_column(Text("kind"), justify="center", width=10)
    table.add_column(Text(heads[1]), ratio=1)
    by_a: dict[str, list[dict]] = {}
    for al in result["alignments"]:
        by_a.setdefault(al["a"], []).append(al)
    for pid, passage in pa.items():
        for n, al in enumerate(by_a.get(pid, [])):
            # one-to-many: print a long passage once, then point back at it
            left = highlighted(passage["text"], al["diff"], "a") if n == 0 else Text("↑ same passage", style="dim")
            table.add_row(left, _label(al["kind"], al["score"]), highlighted(pb[al["b"]]["text"], al["diff"], "b"))
        if pid not in by_a:
            table.add_row(Text(_clean(passage["text"])), _label("addition"), Text(""))
    for pid in result["additions"].get(b, []):
        table.add_row(Text(""), _label("addition"), Text(_clean(pb[pid]["text"])))
    return table
