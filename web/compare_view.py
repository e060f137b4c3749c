"""Pure logic of the compare page: passage links, the ordered alignment list, label and diff segments.

Outlets reorder paragraphs, so no shared row layout can keep every column in reading order. Each
column therefore shows its whole article in its own order, and the alignment is drawn *between*
the columns (bands that cross where an outlet reordered, fan out for one-to-many), as Meld or
Kaleidoscope draw bands between panes. This module only computes what those bands connect.

`build_rows` (aligned groups in shared rows) remains for the dashboard's coverage table, where a
row per aligned group is what a summary needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Strongest first: a passage aligned verbatim somewhere is shown as verbatim.
KIND_ORDER = ("verbatim", "quoted", "paraphrase", "partial")


@dataclass
class Row:
    """One band of the compare grid: cells[article_id] lists that article's passages in the band."""
    group: str
    cells: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def aligned(self) -> bool:
        return sum(1 for ps in self.cells.values() if ps) > 1


def strongest(kinds) -> str | None:
    """The strongest alignment kind in `kinds` (unknown kinds rank last)."""
    ranked = sorted(kinds, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
    return ranked[0] if ranked else None


def _groups(alignments: list[dict], visible: set[str]) -> dict[str, str]:
    """Union-find over alignment edges between visible passages: passage id -> group root."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for al in alignments:
        if al["a"] in visible and al["b"] in visible:
            ra, rb = find(al["a"]), find(al["b"])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {pid: find(pid) for pid in parent}


def links(alignments: list[dict], visible: set[str]) -> dict[str, list[dict]]:
    """passage id -> its direct counterparts [{pid, kind, score, alignment id}] among visible ones."""
    out: dict[str, list[dict]] = {}
    for al in alignments:
        if al["a"] in visible and al["b"] in visible:
            for x, y in ((al["a"], al["b"]), (al["b"], al["a"])):
                out.setdefault(x, []).append(
                    {"pid": y, "kind": al.get("kind"), "score": al.get("score"), "id": al.get("id")})
    return out


def alignment_list(articles: list[dict], alignments: list[dict]) -> list[dict]:
    """The alignments between shown passages, each oriented left column -> right column and
    ordered by where its left end sits (column, then reading order): the order `n`/`p` step in."""
    where = {p["id"]: (i, p["seq"]) for i, a in enumerate(articles) for p in a["passages"]}
    out = []
    for al in alignments:
        a, b = al["a"], al["b"]
        if a not in where or b not in where or where[a][0] == where[b][0]:
            continue
        if where[a] > where[b]:
            a, b = b, a
        score = al.get("score")
        out.append({"a": a, "b": b, "kind": al.get("kind") or "partial",
                    "score": round(float(score), 3) if score is not None else None})
    out.sort(key=lambda x: (where[x["a"]], where[x["b"]]))
    return out


def build_rows(articles: list[dict], alignments: list[dict]) -> list[Row]:
    """Lay the content passages of `articles` (each with `passages`) out in aligned rows."""
    visible = {p["id"] for a in articles for p in a["passages"] if p.get("content", 1)}
    group_of = _groups(alignments, visible)
    order = _RowList()
    row_of_group: dict[str, Row] = {}
    for article in articles:
        content = [p for p in article["passages"] if p.get("content", 1)]
        last: Row | None = None
        for i, passage in enumerate(content):
            group = group_of.get(passage["id"], passage["id"])
            row = row_of_group.get(group)
            if row is None:
                row = row_of_group[group] = Row(group=group)
                _place(order, row, last, content[i + 1:], group_of, row_of_group)
            row.cells.setdefault(article["id"], []).append(passage)
            last = row
    return order.to_list()


class _RowList:
    """A doubly linked list of rows: O(1) insertion before/after any row (pages have hundreds)."""

    def __init__(self) -> None:
        self.next: dict[int, Row | None] = {}
        self.prev: dict[int, Row | None] = {}
        self.head: Row | None = None
        self.tail: Row | None = None

    def insert_after(self, row: Row, anchor: Row | None) -> None:
        after = self.next[id(anchor)] if anchor is not None else self.head
        self.prev[id(row)], self.next[id(row)] = anchor, after
        if anchor is None:
            self.head = row
        else:
            self.next[id(anchor)] = row
        if after is None:
            self.tail = row
        else:
            self.prev[id(after)] = row

    def insert_before(self, row: Row, anchor: Row) -> None:
        self.insert_after(row, self.prev[id(anchor)])

    def to_list(self) -> list[Row]:
        out, row = [], self.head
        while row is not None:
            out.append(row)
            row = self.next[id(row)]
        return out


def _place(order: _RowList, row: Row, last: Row | None, following: list[dict],
           group_of: dict[str, str], row_of_group: dict[str, Row]) -> None:
    """Right after the article's previous row; before any of its rows yet, just above the row of
    its next passage that is already placed (an outlet's intro sits above what it introduces)."""
    if last is not None:
        order.insert_after(row, last)
        return
    for passage in following:
        anchor = row_of_group.get(group_of.get(passage["id"], passage["id"]))
        if anchor is not None and anchor is not row:
            order.insert_before(row, anchor)
            return
    order.insert_after(row, order.tail)


def additions(articles: list[dict], alignments: list[dict]) -> set[str]:
    """Content passages with no counterpart in any other visible article ("only in this outlet")."""
    visible = {p["id"] for a in articles for p in a["passages"] if p.get("content", 1)}
    linked = links(alignments, visible)
    return {pid for pid in visible if pid not in linked}


def label_segments(passage: dict, spans: list[dict]) -> list[dict]:
    """Cut a passage's text at every label boundary: [{text, start, end, spans: [...]}].

    `spans` carry article offsets (`start`, `end`); overlapping labels give segments that carry
    several spans, so the template can stack their underline styles.
    """
    p0, p1 = passage["start"], passage["end"]
    inside = [s for s in spans if s["start"] < p1 and s["end"] > p0]
    cuts = sorted({p0, p1, *(max(p0, s["start"]) for s in inside), *(min(p1, s["end"]) for s in inside)})
    out = []
    for s, e in zip(cuts, cuts[1:]):
        covering = [sp for sp in inside if sp["start"] <= s and sp["end"] >= e]
        out.append({"text": passage["text"][s - p0:e - p0], "start": s, "end": e, "spans": covering})
    return out


def diff_segments(text: str, ops: list[dict], side: str) -> list[dict]:
    """Turn word-diff ops into [{text, mark}] covering all of `text` (mark: None, "del" or "ins")."""
    mark_for = {"a": {"delete": "del", "replace": "del"}, "b": {"insert": "ins", "replace": "ins"}}[side]
    out, pos = [], 0
    for op in ops:
        s, e = op[side]
        if s > pos:
            out.append({"text": text[pos:s], "mark": None})
        if e > s:
            out.append({"text": text[s:e], "mark": mark_for.get(op["op"])})
        pos = max(pos, e)
    if pos < len(text):
        out.append({"text": text[pos:], "mark": None})
    return out
