"""Machine suggestions for stored articles: rule spans + a passage label with probabilities.

`run_suggestions` labels every content passage (classifier when one is stored and its encoder
can be loaded, else the rules alone — `source` says which), lists quotation/framing/sourced spans
in article offsets, and stores everything as machine suggestions (replacing the previous ones).
`least_sure` is the uncertainty-sampling queue that feeds annotators.
"""
from __future__ import annotations

import functools

import numpy as np
import sqlite_utils

from annotate import classifier, rules, speakers
from annotate import suggest_store as sstore
from annotate.spans import LABELS, Span
from corpus.errors import NotFound

SPAN_LABELS = ("quotation", "editorial_framing", "sourced_fact")


def rule_lang(lang: str | None) -> str:
    """Rule set for an article language: French rules for French, English rules otherwise."""
    return "fr" if (lang or "fr").lower().startswith("fr") else "en"


@functools.lru_cache(maxsize=4096)
def _detect_cached(text: str, lang: str) -> tuple[Span, ...]:
    return tuple(rules.detect(text, lang))


def passage_spans(passage: dict) -> list[Span]:
    """Rule spans of a passage row, in article offsets (passage start + local offset)."""
    local = _detect_cached(passage["text"], rule_lang(passage.get("lang")))
    return [span.shift(passage["start"]) for span in local]


def load_model(db: sqlite_utils.Database, project_id: int | None = None, encoder=None):
    """(model, encoder) of the newest stored classifier, or (None, None) when there is none or
    its encoder cannot be loaded (then the rules decide; see `run_suggestions`)."""
    row = sstore.latest_classifier(db, project_id)
    if row is None and project_id is not None:
        row = sstore.latest_classifier(db, None)
    if row is None:
        return None, None
    model = classifier.loads(row["blob"])
    model.metrics.setdefault("id", row["id"])
    if not model.encoder_id:
        return model, None
    if encoder is not None and encoder.model_id == model.encoder_id:
        return model, encoder
    try:
        from compare.embed import get_encoder

        enc = get_encoder(model.encoder_name)
    except Exception:  # the encoder of this model is not available here: rules decide
        return None, None
    return (model, enc) if enc.model_id == model.encoder_id else (None, None)


def score(db: sqlite_utils.Database, passages: list[dict], model=None, encoder=None) -> tuple[np.ndarray, str]:
    """(n, 3) label probabilities (LABELS order) for passage rows, and the source that made them."""
    from annotate.features import rule_features

    if not passages:
        return np.zeros((0, len(LABELS))), "rule"
    spans = [[s.shift(-p["start"]) for s in passage_spans(p)] for p in passages]
    if model is None:
        scored = [rules.rule_scores(p["text"], sp) for p, sp in zip(passages, spans)]  # once per passage, not per label
        probs = [[s[lab] for lab in LABELS] for s in scored]
        return np.asarray(probs, dtype=np.float64), "rule"
    feats = np.stack([rule_features(p["text"], sp) for p, sp in zip(passages, spans)])
    vecs = None
    if model.encoder_id:
        from compare.store import passage_vectors

        vecs = passage_vectors(db, encoder, [p["text"] for p in passages])
    return model.predict_proba(feats, vecs), "model"


def run_suggestions(db: sqlite_utils.Database, article_ids: list[str], encoder=None,
                    project_id: int | None = None, store: bool = True) -> dict:
    """Suggest labels for `article_ids`; see the module docstring and the brief's contract.

    Returns {"passages": {id: {"label", "scores"}}, "spans": [...], "source": "model"|"rule",
    "model": name}; non-content passages get label None and empty scores.
    """
    from corpus import store as cstore

    model, enc = load_model(db, project_id, encoder)
    out: dict = {"passages": {}, "spans": [], "source": "rule", "model": model.name if model else "rules"}
    rows: list[dict] = []
    for article_id in dict.fromkeys(article_ids):
        article = cstore.get_article(db, article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id!r}")
        all_passages = cstore.get_passages(db, article_id)
        content = [dict(p, lang=article.get("lang")) for p in all_passages if p["content"]]
        probs, source = score(db, content, model, enc)
        out["source"] = source
        for p in all_passages:
            out["passages"][p["id"]] = {"label": None, "scores": {}}
        spans = speakers.resolve_pronouns([s for p in content for s in passage_spans(p)])
        by_passage = {p["id"]: [s for s in spans if p["start"] <= s.start < p["end"]] for p in content}
        for p, pr in zip(content, probs):
            rows.extend(_article_rows(article["text"], p, pr, source, out, model, by_passage[p["id"]]))
    if store:
        sstore.replace_suggestions(db, list(dict.fromkeys(article_ids)), rows)
    return out


def _article_rows(text: str, passage: dict, probs: np.ndarray, source: str, out: dict, model,
                  spans: list[Span]) -> list[dict]:
    """Fill `out` for one passage and return its annotation rows (passage label + spans)."""
    scores = {lab: round(float(v), 4) for lab, v in zip(LABELS, probs)}
    label = max(scores, key=scores.get)
    out["passages"][passage["id"]] = {"label": label, "scores": scores}
    base = {"passage_id": passage["id"], "article_id": passage["article_id"]}
    rows = [{**base, "start": passage["start"], "end": passage["end"], "label": label, "source": source,
             "prob": scores[label], "model": model.name if model else "rules"}]
    for span in spans:
        assert text[span.start:span.end] == span.text, "span offsets must index the article text"
        if span.label == "sourced_fact" and span.cue is None:
            continue
        out["spans"].append(span.as_dict(passage["article_id"]))
        rows.append({**base, **_span_columns(span)})
    return rows


def _span_columns(span: Span) -> dict:
    spk, cue = span.speaker, span.cue
    return {
        "start": span.start, "end": span.end, "label": span.label, "source": "rule", "prob": round(span.prob, 4),
        "model": f"rules:{span.kind}",
        "speaker_start": spk.start if spk else None, "speaker_end": spk.end if spk else None,
        "speaker_text": spk.text if spk else None,
        "cue_start": cue.start if cue else None, "cue_end": cue.end if cue else None,
        "cue_text": cue.text if cue else None,
    }


def least_sure(db: sqlite_utils.Database, article_ids: list[str] | None = None, project_id: int | None = None,
               n: int = 20, method: str = "margin", encoder=None) -> list[dict]:
    """The `n` content passages the model (or the rules) is least sure of, most uncertain first,
    skipping passages that already carry a human label. Scope: `article_ids`, else the project's
    articles, else every article."""
    if article_ids is None and project_id is not None:
        article_ids = sstore.project_article_ids(db, project_id)
    done = sstore.labelled_passages(db, project_id)
    passages = [p for p in sstore.content_passages(db, article_ids) if p["id"] not in done]
    model, enc = load_model(db, project_id, encoder)
    probs, source = score(db, passages, model, enc)
    if not passages:
        return []
    unc = classifier.uncertainty(probs, method)
    order = np.argsort(-unc, kind="stable")[:n]
    return [{
        "passage_id": passages[i]["id"], "article_id": passages[i]["article_id"], "text": passages[i]["text"],
        "label": LABELS[int(np.argmax(probs[i]))], "scores": {lab: round(float(v), 4) for lab, v in zip(LABELS, probs[i])},
        "uncertainty": round(float(unc[i]), 4), "source": source,
    } for i in order]
