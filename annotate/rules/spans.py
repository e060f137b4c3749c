"""Domain objects of machine suggestions: a labelled span with its speaker and cue.

Offsets are code-point offsets into the text the detector was given; `shift` moves them into
article coordinates (passage start + local offset) so `article_text[start:end] == text` holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotate.rules import params as P

LABELS = ("sourced_fact", "quotation", "editorial_framing")


@dataclass(frozen=True)
class Ref:
    """A sub-span (speaker or cue) of the same text."""
    start: int
    end: int
    text: str

    def shift(self, offset: int) -> "Ref":
        return Ref(self.start + offset, self.end + offset, self.text)

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Span:
    """One suggestion. `kind` says which rule family found it (direct, reported, pull, dialogue,
    partial, loaded, question, exclamation, aside, insertion, conclusion, sourced...), `prob` is the
    rule's confidence, `speaker`/`cue` are set for quotations (cue also for sourced facts)."""
    start: int
    end: int
    label: str
    text: str
    kind: str = ""
    prob: float = P.SPAN_DEFAULT
    speaker: Ref | None = None
    cue: Ref | None = None
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def shift(self, offset: int) -> "Span":
        return replace(
            self, start=self.start + offset, end=self.end + offset,
            speaker=self.speaker.shift(offset) if self.speaker else None,
            cue=self.cue.shift(offset) if self.cue else None,
        )

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def inside(self, start: int, end: int) -> bool:
        return start <= self.start and self.end <= end

    def as_dict(self, article_id: str | None = None) -> dict:
        """The JSON shape of the analyze/suggest contract; `model` names what suggested the span
        (a learned model's name, else "rules:" and the rule family), as the stored suggestion does."""
        out = {
            "start": self.start, "end": self.end, "label": self.label, "kind": self.kind,
            "prob": round(self.prob, 4), "text": self.text,
            "speaker": self.speaker.as_dict() if self.speaker else None,
            "cue": self.cue.as_dict() if self.cue else None,
            "model": self.meta.get("model") or f"rules:{self.kind}",
        }
        if article_id is not None:
            out = {"article_id": article_id, **out}
        return out


def ref(text: str, start: int, end: int) -> Ref:
    """A Ref of `text[start:end]` with surrounding whitespace and edge punctuation trimmed."""
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.)"):
        if text[end - 1] == ")" and "(" in text[start:end]:
            break
        end -= 1
    return Ref(start, end, text[start:end])


def make_span(text: str, start: int, end: int, label: str, **kw) -> Span:
    """A Span over `text[start:end]` with whitespace trimmed at both ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, label, text[start:end], **kw)
