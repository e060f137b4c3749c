"""Who copied or quoted whom inside a story, and how much.

Only verbatim and quoted alignments say anything about provenance (a paraphrase may come from a
common source). The earlier article by `published_at` is the likely origin; without usable dates
the passage that *contains* the other's text is the copier: the one that quotes it between
quote marks, or the longer one that wraps the copied sentence in its own words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from compare import kinds
from compare.diff import equal_chars
from compare.stories import parse_day

REUSE_KINDS = ("verbatim", "quoted")


@dataclass
class ReuseEdge:
    """`target` reused text of `source`: how many passages and characters, on what basis."""
    source: str
    target: str
    passages: int = 0
    chars: int = 0
    kinds: dict = field(default_factory=dict)
    basis: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "passages": self.passages,
                "chars": self.chars, "kinds": self.kinds, "basis": self.basis}


def _by_containment(kind: str, text_a: str, text_b: str) -> int:
    """+1 when a is the copier (it contains b's text), -1 when b is, 0 when undecidable."""
    ea, eb = kinds.PassageText(text_a), kinds.PassageText(text_b)
    if kind == "quoted":
        ab, ba = kinds.found_chars(ea.pieces, eb.plain), kinds.found_chars(eb.pieces, ea.plain)
        if ab != ba:
            return 1 if ab > ba else -1
    la, lb = len(ea.plain), len(eb.plain)
    return 0 if la == lb else (1 if la > lb else -1)


def direction(kind: str, text_a: str, text_b: str, date_a: str | None, date_b: str | None) -> tuple[int, str]:
    """(+1: a copied b, -1: b copied a, 0: unknown) and the basis ("date" or "containment")."""
    da, db = parse_day(date_a), parse_day(date_b)
    if da and db and da != db:
        return (1 if da > db else -1), "date"
    sign = _by_containment(kind, text_a, text_b)
    return sign, ("containment" if sign else "unknown")


def reused_chars(kind: str, text_a: str, text_b: str, diff: list[dict]) -> int:
    """Characters reused: the quoted pieces found, or the unchanged text of a verbatim copy."""
    if kind == "quoted":
        ea, eb = kinds.PassageText(text_a), kinds.PassageText(text_b)
        return max(kinds.found_chars(ea.pieces, eb.plain), kinds.found_chars(eb.pieces, ea.plain))
    return equal_chars(diff)


def reuse_graph(alignments: list[dict], passages: dict[str, dict], dates: dict[str, str | None]) -> list[dict]:
    """Edges source → target (origin → copier) aggregated per article pair, largest first.

    `passages` maps passage id to a dict with `article_id` and `text`; `dates` maps article id
    to `published_at`. Pairs whose direction cannot be told are kept with basis "unknown", from
    the first-listed article's side, so shared text is never hidden.
    """
    edges: dict[tuple[str, str], ReuseEdge] = {}
    for al in alignments:
        if al["kind"] not in REUSE_KINDS:
            continue
        pa, pb = passages[al["a"]], passages[al["b"]]
        sign, basis = direction(al["kind"], pa["text"], pb["text"], dates.get(pa["article_id"]),
                                dates.get(pb["article_id"]))
        source, target = (pb, pa) if sign > 0 else (pa, pb)
        edge = edges.setdefault((source["article_id"], target["article_id"]),
                                ReuseEdge(source["article_id"], target["article_id"]))
        edge.passages += 1
        edge.chars += reused_chars(al["kind"], pa["text"], pb["text"], al.get("diff") or [])
        edge.kinds[al["kind"]] = edge.kinds.get(al["kind"], 0) + 1
        edge.basis[basis] = edge.basis.get(basis, 0) + 1
    return [e.as_dict() for e in sorted(edges.values(), key=lambda e: (-e.chars, e.source, e.target))]
