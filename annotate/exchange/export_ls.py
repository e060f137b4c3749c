"""Label Studio tasks JSON: `data.text`, human `annotations`, machine `predictions`.

Each label is a `labels` result (`from_name` "label", `to_name` "text") with value
start/end/text/labels. A quotation's speaker span is a second region (`from_name` "speaker")
joined by a `relation` result labelled `said_by`; a speaker known only as text (e.g. an outlet
name) is kept in the region's `meta.text` as "speaker: NAME". `labelstudio_config` writes the
matching labeling config so the file imports into a fresh Label Studio project.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable
from xml.sax.saxutils import quoteattr

from annotate.exchange.offsets import to_utf16
from annotate.labels.schemes import LabelDef

SPEAKER_PREFIX = "speaker: "


def _region(rid: str, from_name: str, text: str, start: int, end: int, label: str, utf16: bool) -> dict:
    s, e = (to_utf16(text, start), to_utf16(text, end)) if utf16 else (start, end)
    return {"id": rid, "from_name": from_name, "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": text[start:end], "labels": [label]}}


def label_results(text: str, label: dict, utf16: bool = False) -> list[dict]:
    """The Label Studio results of one stored label (region, speaker region, relation)."""
    rid = f"pl{label['id']}".replace("-", "")
    region = _region(rid, "label", text, label["start"], label["end"], label["label"], utf16)
    if label.get("prob") is not None:
        region["score"] = label["prob"]
    out = [region]
    if label.get("speaker_start") is not None:
        out.append(_region(rid + "s", "speaker", text, label["speaker_start"], label["speaker_end"],
                           "speaker", utf16))
        out.append({"type": "relation", "from_id": rid, "to_id": rid + "s", "direction": "right",
                    "labels": ["said_by"]})
    elif label.get("speaker_text"):
        region["meta"] = {"text": [SPEAKER_PREFIX + label["speaker_text"]]}
    return out


def to_labelstudio(docs: Iterable, utf16: bool = False) -> list[dict]:
    """Tasks for the given export docs (see annotate.exchange.export.Doc)."""
    tasks = []
    for i, doc in enumerate(docs, 1):
        text = doc.article["text"]
        humans, machines = defaultdict(list), defaultdict(list)
        for l in doc.labels:
            if l["source"] in ("human", "gold"):
                humans[(l["source"], l["annotator_id"], l["annotator"])].append(l)
            else:
                machines[(l["source"], l.get("model") or l["source"])].append(l)
        tasks.append({
            "id": i,
            "data": {"text": text, "article_id": doc.article["id"], "content_hash": doc.article["content_hash"],
                     "outlet": doc.article["outlet"], "title": doc.article["title"]},
            "annotations": [_annotation(uid, name, text, ls, utf16, gold=src == "gold")
                            for (src, uid, name), ls in humans.items()],
            "predictions": [_prediction(src, model, text, ls, utf16) for (src, model), ls in machines.items()],
            "meta": {"presslens_offsets": "utf16" if utf16 else "codepoints"},
        })
    return tasks


def _annotation(user_id, username, text: str, labels: list[dict], utf16: bool, gold: bool = False) -> dict:
    """A human annotation; the project's gold labels are one annotation with `ground_truth`
    true (Label Studio's mark for the reference answer), completed by the deciding curator."""
    return {"completed_by": user_id, "presslens_annotator": username, "presslens_source": "gold" if gold else "human",
            "was_cancelled": False, "ground_truth": gold,
            "result": [r for l in labels for r in label_results(text, l, utf16)]}


def _prediction(source: str, model: str, text: str, labels: list[dict], utf16: bool) -> dict:
    probs = [l["prob"] for l in labels if l.get("prob") is not None]
    return {"model_version": model, "presslens_source": source, "score": sum(probs) / len(probs) if probs else None,
            "result": [r for l in labels for r in label_results(text, l, utf16)]}


def labelstudio_config(scheme: Iterable[LabelDef]) -> str:
    """Label Studio labeling config (XML) for a scheme, with the speaker region and relation."""
    labels = "\n".join(
        f"    <Label value={quoteattr(d.name)} background={quoteattr(d.color)}"
        + (f" hotkey={quoteattr(d.key)}" if d.key else "") + "/>" for d in scheme)
    return ("<View>\n  <Labels name=\"label\" toName=\"text\">\n" + labels + "\n  </Labels>\n"
            "  <Labels name=\"speaker\" toName=\"text\">\n    <Label value=\"speaker\" background=\"#868e96\"/>\n"
            "  </Labels>\n  <Relations>\n    <Relation value=\"said_by\"/>\n  </Relations>\n"
            "  <Text name=\"text\" value=\"$text\"/>\n</View>\n")
