"""Reading Label Studio tasks back into label items (see annotate.exchange.importers for the rules).

Predictions come back as machine suggestions (source from `presslens_source`, else 'model');
propagated suggestions are skipped, since they only make sense next to their origin label.
"""
from __future__ import annotations

import sqlite_utils

from annotate.exchange.export_ls import SPEAKER_PREFIX
from annotate.exchange.items import Item, ItemError, offset, resolve_article
from annotate.exchange.offsets import from_utf16
from annotate.labels import people


def region_span(text: str, value: dict) -> tuple[int, int]:
    """Code-point (start, end) of a region value, trying code points then UTF-16 against value.text."""
    try:
        start, end = offset(value["start"]), offset(value["end"])
    except (KeyError, TypeError, ItemError):
        raise ItemError(f"region value {value!r} needs integer start and end")
    expected = value.get("text")
    if expected is not None and not isinstance(expected, str):
        raise ItemError(f"region text {expected!r} is not a string")
    if 0 <= start < end <= len(text) and (expected is None or text[start:end] == expected):
        return start, end
    if expected is not None:
        try:
            s, e = from_utf16(text, start), from_utf16(text, end)
        except ValueError:
            s = e = -1
        if 0 <= s < e and text[s:e] == expected:
            return s, e
        raise ItemError(f"region [{start}, {end}) does not match its text {expected[:40]!r} "
                        "(neither as code points nor as UTF-16)")
    raise ItemError(f"region [{start}, {end}) is outside the text (0..{len(text)})")


def _speakers(results: list[dict], text: str) -> dict[str, tuple[int, int]]:
    """{label region id: speaker span} from `said_by` relations to `speaker` regions."""
    regions = {r.get("id"): r for r in results if r.get("type") == "labels" and r.get("from_name") == "speaker"}
    out = {}
    for r in results:
        if r.get("type") == "relation" and r.get("to_id") in regions:
            try:
                out[r.get("from_id")] = region_span(text, regions[r["to_id"]].get("value") or {})
            except ItemError:
                continue  # a broken speaker region loses the speaker, not the quotation
    return out


def result_items(line: int, aid: str, text: str, results: list, base: dict) -> list:
    """Items (and ItemErrors) of one annotation's or prediction's results."""
    if not isinstance(results, list):
        return [ItemError("'result' must be a list")]
    speakers, out = _speakers(results, text), []
    for r in results:
        if not isinstance(r, dict) or r.get("type") != "labels" or r.get("from_name") == "speaker":
            continue
        try:
            value = r.get("value") or {}
            start, end = region_span(text, value)
            spk = speakers.get(r.get("id"), (None, None))
            meta = (r.get("meta") or {}).get("text") or []
            spk_text = next((m[len(SPEAKER_PREFIX):] for m in meta if str(m).startswith(SPEAKER_PREFIX)), None)
            prob = r.get("score", base.get("prob"))
            for label in value.get("labels") or []:
                out.append(Item(line, aid, start, end, str(label), base["source"], base["annotator_id"],
                                prob, base.get("model"), *spk, None if spk[0] is not None else spk_text))
        except ItemError as exc:
            out.append(exc)
    return out


def labelstudio_items(db: sqlite_utils.Database, line: int, task: dict, user_id: int | None) -> list:
    """Items of one Label Studio task: human `annotations` (not cancelled) and `predictions`."""
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ItemError("a Label Studio task needs data.text")
    text = data["text"]
    aid = resolve_article(db, text, data.get("article_id"))
    out = []
    for ann in task.get("annotations") or task.get("completions") or []:
        if not isinstance(ann, dict) or ann.get("was_cancelled"):
            continue
        name = ann.get("presslens_annotator")
        uid = people.user_id_by_name(db, name) if isinstance(name, str) and name else None
        # ground_truth marks Label Studio's reference annotation: it becomes the project's gold
        base = {"source": "gold" if ann.get("ground_truth") is True else "human",
                "annotator_id": uid if uid is not None else user_id}
        out.extend(result_items(line, aid, text, ann.get("result"), base))
    for pred in task.get("predictions") or []:
        if isinstance(pred, dict) and pred.get("presslens_source") == "propagated":
            out.append(None)  # hangs on an origin label of the exporting database: skipped
        elif isinstance(pred, dict):
            source = pred.get("presslens_source") if pred.get("presslens_source") in ("model", "rule") else "model"
            base = {"source": source, "annotator_id": None, "prob": pred.get("score"),
                    "model": pred.get("model_version")}
            out.extend(result_items(line, aid, text, pred.get("result"), base))
    return out
