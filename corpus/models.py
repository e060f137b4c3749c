"""Domain objects of the corpus layer: plain dataclasses, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Passage:
    """A span of an article's stored text. Invariant: `article_text[start:end] == text`.

    Offsets are code-point offsets (Python `str` indices) into the exact stored text.
    `kind` is one of KINDS; `content` is False for page boilerplate (share buttons, credits...).
    """
    start: int
    end: int
    text: str
    kind: str = "body"
    content: bool = True


KINDS = ("heading", "body", "pull_quote", "byline", "date", "dateline", "credit", "link", "boilerplate", "related")


@dataclass
class ArticleInput:
    """One article as read from a file, row or URL, before it is stored."""
    text: str
    source_file: str
    source_id: str
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    author: str | None = None
    published_at: str | None = None
    lang: str | None = None
    html: str | None = None
    line: int | None = None  # 1-based line (JSONL/CSV row) the article came from
    source_name: str | None = None  # the input as given (path or URL), which errors name


@dataclass(frozen=True)
class IngestError:
    """A bad file or row: reported as `file:line: message`, never raised out of a batch."""
    filename: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}" if self.line else self.filename
        return f"{where}: {self.message}"


@dataclass
class IngestReport:
    """What a batch did: ids added, ids already present, and the errors collected."""
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "skipped": self.skipped,
            "errors": [{"file": e.filename, "line": e.line, "message": e.message} for e in self.errors],
        }
