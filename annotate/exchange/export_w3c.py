"""W3C Web Annotation (JSON-LD) export: labels as `classifying` annotations, alignments as
`linking` annotations with two targets.

Targets name the article by `urn:presslens:article:<id>` and carry both a TextQuoteSelector
(exact/prefix/suffix, robust if offsets drift) and a TextPositionSelector whose start/end are
Unicode code points, as the Web Annotation model specifies.
"""
from __future__ import annotations

from typing import Iterable

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_WINDOW = 32


def target(article_id: str, text: str, start: int, end: int) -> dict:
    """A SpecificResource on the article with quote and position selectors."""
    return {
        "source": f"urn:presslens:article:{article_id}",
        "selector": [
            {"type": "TextQuoteSelector", "exact": text[start:end],
             "prefix": text[max(0, start - CONTEXT_WINDOW):start], "suffix": text[end:end + CONTEXT_WINDOW]},
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def _creator(label: dict) -> dict:
    if label["source"] in ("human", "gold"):
        return {"type": "Person", "nickname": label.get("annotator") or f"user{label['annotator_id']}"}
    return {"type": "Software", "name": label.get("model") or label["source"]}


def label_annotation(article_id: str, text: str, label: dict) -> dict:
    """One label as a classifying Annotation (speaker as an extra `identifying` body). A gold
    label is an `assessing` Annotation (the curator's verdict) by the deciding curator, tagged `gold`."""
    body = [{"type": "TextualBody", "purpose": "classifying", "value": label["label"]}]
    if label["source"] == "gold":
        body.append({"type": "TextualBody", "purpose": "tagging", "value": "gold"})
    if label.get("speaker_text"):
        body.append({"type": "TextualBody", "purpose": "identifying", "value": label["speaker_text"]})
    anno = {
        "id": f"urn:presslens:annotation:{label['id']}", "type": "Annotation",
        "motivation": "assessing" if label["source"] == "gold" else "classifying",
        "created": label.get("created_at"), "modified": label.get("updated_at"), "creator": _creator(label),
        "body": body, "target": target(article_id, text, label["start"], label["end"]),
    }
    if label["source"] not in ("human", "gold"):
        anno["generator"] = {"type": "Software", "name": label["source"]}
    return anno


def link_annotation(alignment: dict, texts: dict[str, str]) -> dict:
    """An alignment as a linking Annotation between its two passages."""
    a_text, b_text = texts[alignment["a_article"]], texts[alignment["b_article"]]
    return {
        "id": f"urn:presslens:alignment:{alignment['id']}", "type": "Annotation", "motivation": "linking",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": alignment["kind"] or "aligned"},
        "target": [target(alignment["a_article"], a_text, alignment["a_start"], alignment["a_end"]),
                   target(alignment["b_article"], b_text, alignment["b_start"], alignment["b_end"])],
    }


def to_w3c(docs: Iterable, links: Iterable[dict] = ()) -> dict:
    """An AnnotationCollection holding every label and alignment on one page."""
    docs = list(docs)
    items = [label_annotation(d.article["id"], d.article["text"], l) for d in docs for l in d.labels]
    texts = {d.article["id"]: d.article["text"] for d in docs}
    items += [link_annotation(a, texts) for a in links]
    return {
        "@context": CONTEXT, "id": "urn:presslens:export", "type": "AnnotationCollection",
        "label": "presslens labels and alignments", "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
