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

from annotate.labels import suggestions as sstore
from annotate.models import choices, classifier
from annotate.rules import detect as rules
from annotate.rules import speakers
from annotate.rules.spans import LABELS, Span
from corpus.errors import NotFound

SPAN_LABELS = ("quotation", "editorial_framing", "sourced_fact")


def rule_lang(lang: str | None) -> str:
    """Rule set for an article language: French rules for French, English rules otherwise."""
    return "fr" if (lang or "fr").lower().startswith("fr") else "en"


def model_lang(lang: str | None) -> str:
    """The language code the learned models read: the article's own two-letter code (German or
    Spanish text must reach the tagger as such, never as English, whose word-level evidence it
    would then wrongly trust), French when unknown, as for the rules."""
    return (lang or "").lower()[:2] or "fr"


@functools.lru_cache(maxsize=4096)
def _detect_cached(text: str, lang: str, speech_model: str) -> tuple[Span, ...]:
    """The rules' spans; the speech model is in the key so another model's quotations never come back."""
    from annotate.models.speech.apply import learned_quotes

    return tuple(rules.detect(text, lang, quote_finder=learned_quotes))


def passage_spans(passage: dict) -> list[Span]:
    """Rule spans of a passage row, in article offsets (passage start + local offset)."""
    local = _detect_cached(passage["text"], rule_lang(passage.get("lang")), choices.choose("speech"))
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
    from compare.embed import MODELS, get_encoder

    # A name read from the database is data: only the bundled encoders are loaded by name, never a
    # folder or hub id a crafted row could point at (a custom encoder is passed in as `encoder`).
    if model.encoder_name not in MODELS:
        return None, None
    try:
        enc = get_encoder(model.encoder_name)
    except Exception:  # the encoder of this model is not available here: rules decide
        return None, None
    return (model, enc) if enc.model_id == model.encoder_id else (None, None)


def content_passages_of(db: sqlite_utils.Database, article_ids: list[str]) -> list[dict]:
    """The content passages of `article_ids` with their article's language, as suggestions read them."""
    from corpus import store as cstore

    out = []
    for article_id in dict.fromkeys(article_ids):
        article = cstore.get_article(db, article_id)
        if article is not None:
            out.extend(dict(p, lang=article.get("lang")) for p in cstore.get_passages(db, article_id) if p["content"])
    return out


def local_spans(passages: list[dict]) -> list[list[Span]]:
    """Each passage's rule spans in its own offsets (what the passage-level models read)."""
    return [list(_detect_cached(p["text"], rule_lang(p.get("lang")), choices.choose("speech"))) for p in passages]


def learned_framing(db: sqlite_utils.Database, passages: list[dict], spans: list[list[Span]], sentence_model="use"):
    """The learned framing models (sentence model `sentence_model`: apply.SENTENCE_MODELS) over `passages`
    (by language), or None when their encoder cannot be loaded (the rules' word lists stay)."""
    from annotate.models.framing import apply
    from compare.embed import get_encoder
    from compare.vector_store import passage_vectors

    try:
        enc = get_encoder(apply.encoder_name())
    except Exception:  # the bundled encoder is missing from this install: rules decide
        return None
    words = apply.CachedWords(lambda ws: passage_vectors(db, enc, ws))
    probs, out = np.zeros(len(passages)), [[] for _ in passages]
    for lang in dict.fromkeys(model_lang(p.get("lang")) for p in passages):
        idx = [i for i, p in enumerate(passages) if model_lang(p.get("lang")) == lang]
        texts = [passages[i]["text"] for i in idx]
        vecs, mine = passage_vectors(db, enc, texts), [spans[i] for i in idx]
        result = apply.learned_framing(texts, lang, vecs, mine, words, sentence_model=sentence_model)
        for k, i in enumerate(idx):
            probs[i], out[i] = result.probs[k], result.spans[k]
    return apply.FramingResult(probs, out)


def prefetch_framing_words(db: sqlite_utils.Database, passages: list[dict], threads: int | None = None) -> int:
    """Encode into the vector cache the word types `learned_framing` will look up for `passages`
    (grouped by language as it groups them); returns how many. Run beside the comparison
    (annotate.pipeline), this takes the tagger's encoding off the path after the encoder."""
    from annotate.models.framing import apply
    from compare.embed import EncoderError, get_encoder
    from compare.vector_store import passage_vectors

    try:
        enc = get_encoder(apply.encoder_name())
    except (EncoderError, ImportError, OSError):  # not installed here: learned_framing will say so too
        return 0
    enc.threads = threads
    count = 0
    for lang in dict.fromkeys(model_lang(p.get("lang")) for p in passages):
        words = apply.word_types([p["text"] for p in passages if model_lang(p.get("lang")) == lang])
        passage_vectors(db, enc, words)
        count += len(words)
    return count


def score(db: sqlite_utils.Database, passages: list[dict], model=None, encoder=None,
          spans: list[list[Span]] | None = None, framing=None) -> tuple[np.ndarray, str]:
    """(n, 3) label probabilities (LABELS order) for passage rows, and the source that made them.

    A project's trained classifier decides when there is one; else the rules' quotation share
    with the learned framing probability (annotate.models.framing), else the rules alone.
    """
    from annotate.models.features import rule_features

    if not passages:
        return np.zeros((0, len(LABELS))), "rule"
    spans = local_spans(passages) if spans is None else spans
    if model is None:
        scored = [rules.rule_scores(p["text"], sp) for p, sp in zip(passages, spans)]  # once per passage
        probs = np.asarray([[sc[lab] for lab in LABELS] for sc in scored], dtype=np.float64)
        framing = framing if framing is not None else learned_framing(db, passages, spans)
        if framing is None:
            return probs, "rule"
        from annotate.models.framing import apply

        return apply.passage_probs(probs, framing.probs, LABELS), "model"
    feats = np.stack([rule_features(p["text"], sp) for p, sp in zip(passages, spans)])
    vecs = None
    if model.encoder_id:
        from compare.vector_store import passage_vectors

        vecs = passage_vectors(db, encoder, [p["text"] for p in passages])
    return model.predict_proba(feats, vecs), "model"


def run_suggestions(db: sqlite_utils.Database, article_ids: list[str], encoder=None,
                    project_id: int | None = None, store: bool = True, rule_spans: dict | None = None,
                    framing_model: str | None = None) -> dict:
    """Suggest labels for `article_ids`; see the module docstring and the brief's contract.

    Returns {"passages": {id: {"label", "scores"}}, "spans": [...], "source": "model"|"rule",
    "model": name}; non-content passages get label None and empty scores. `rule_spans`
    ({passage id: local rule spans}, e.g. found in another process) saves running the rules here.
    The learned framing models and the passage scores run once over every article's passages.
    `framing_model`: "use", "e5" or None ($PRESSLENS_FRAMING_MODEL, else "use"; unknown: ValueError)."""
    from annotate.models.framing import apply as framing_apply
    sentence_model = framing_apply.sentence_model_name(framing_model)
    model, enc = load_model(db, project_id, encoder)
    out: dict = {"passages": {}, "spans": [], "source": "rule", "model": model.name if model else "rules"}
    articles = _articles_with_content(db, article_ids)
    content = [p for _, _, passages in articles for p in passages]
    known = rule_spans or {}
    missing = [p for p in content if p["id"] not in known]
    found = dict(zip((p["id"] for p in missing), local_spans(missing)))
    local = [list(known[p["id"]]) if p["id"] in known else found[p["id"]] for p in content]
    framing = learned_framing(db, content, local, sentence_model) if content else None
    if framing is not None:
        local = framing.spans
    probs, source = score(db, content, model, enc, spans=local, framing=framing)
    passage_model = out["model"]
    if content:
        out["source"] = source
    if model is None and source == "model" and content:
        out["model"] = passage_model = framing_apply.passage_model(sentence_model)
    rows: list[dict] = []
    done = 0
    for article, all_passages, passages in articles:
        mine = slice(done, done + len(passages))
        done += len(passages)
        for p in all_passages:
            out["passages"][p["id"]] = {"label": None, "scores": {}}
        spans = speakers.resolve_pronouns([s.shift(p["start"]) for p, sp in zip(passages, local[mine]) for s in sp])
        by_passage = {p["id"]: [s for s in spans if p["start"] <= s.start < p["end"]] for p in passages}
        for p, pr in zip(passages, probs[mine]):
            rows.extend(_article_rows(article["text"], p, pr, source, out, passage_model, by_passage[p["id"]]))
    if store:
        sstore.replace_suggestions(db, list(dict.fromkeys(article_ids)), merge_rows(rows))
    return out


def _articles_with_content(db: sqlite_utils.Database, article_ids: list[str]) -> list[tuple[dict, list, list]]:
    """(article, all its passages, its content passages with the article's lang) per distinct id."""
    from corpus import store as cstore

    out = []
    for article_id in dict.fromkeys(article_ids):
        article = cstore.get_article(db, article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id!r}")
        all_passages = cstore.get_passages(db, article_id)
        out.append((article, all_passages, [dict(p, lang=article.get("lang")) for p in all_passages if p["content"]]))
    return out


def merge_rows(rows: list[dict]) -> list[dict]:
    """One suggestion per (passage, label, span): rows that agree (the passage label and a rule
    span covering the same passage, or two rules) become the most probable of them, with every
    reason listed in `model` ("rules:framing + rules") and its speaker/cue where one has them.
    The probability is the highest of the agreeing rows, not a sum: the rules' confidences are
    not independent evidence (annotate/rules/params.py gives their provenance). Order is kept."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["passage_id"], row["start"], row["end"], row["label"]), []).append(row)
    merged = []
    for group in groups.values():
        best = max(group, key=lambda r: (r.get("prob") or 0.0, r.get("speaker_start") is not None))
        ranked = sorted(group, key=lambda r: -(r.get("prob") or 0.0))  # strongest reason first
        reasons = list(dict.fromkeys(r.get("model") or r["source"] for r in ranked))
        extra = next((r for r in group if r.get("speaker_start") is not None or r.get("speaker_text")), best)
        row = {**best, "model": " + ".join(reasons)}
        for key in ("speaker_start", "speaker_end", "speaker_text", "cue_start", "cue_end", "cue_text"):
            if row.get(key) is None and extra.get(key) is not None:
                row[key] = extra[key]
        merged.append(row)
    return merged


def _article_rows(text: str, passage: dict, probs: np.ndarray, source: str, out: dict, model_name: str,
                  spans: list[Span]) -> list[dict]:
    """Fill `out` for one passage and return its annotation rows (passage label + spans)."""
    scores = {lab: round(float(v), 4) for lab, v in zip(LABELS, probs)}
    label = max(scores, key=scores.get)
    out["passages"][passage["id"]] = {"label": label, "scores": scores}
    base = {"passage_id": passage["id"], "article_id": passage["article_id"]}
    rows = [{**base, "start": passage["start"], "end": passage["end"], "label": label, "source": source,
             "prob": scores[label], "model": model_name}]
    for span in spans:
        assert text[span.start:span.end] == span.text, "span offsets must index the article text"
        if span.label == "sourced_fact" and span.cue is None:
            continue
        out["spans"].append(span.as_dict(passage["article_id"]))
        rows.append({**base, **_span_columns(span)})
    return rows


def _span_columns(span: Span) -> dict:
    spk, cue, learned = span.speaker, span.cue, span.meta.get("model")
    return {
        "start": span.start, "end": span.end, "label": span.label, "source": "model" if learned else "rule",
        "prob": round(span.prob, 4), "model": learned or f"rules:{span.kind}",
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
