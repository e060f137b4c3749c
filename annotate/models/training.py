"""Training the passage classifier: weak labels from the rules, human labels on top.

Every content passage in scope gets the rules' label (weight 1) unless a person labelled it; a
human label (or an adjudicated gold label, which wins) replaces the weak one with weight
`HUMAN_WEIGHT`. A passage labelled at span level takes the label covering most of its characters.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import sqlite_utils

from annotate import suggest as sg
from annotate.labels import suggestions as sstore
from annotate.models import classifier
from annotate.models.features import rule_features
from annotate.rules import detect as rules
from annotate.rules.spans import LABELS

MIN_RULE_CONFIDENCE = 0.45  # weak labels the rules are unsure of only add noise


def human_passage_labels(db: sqlite_utils.Database, project_id: int | None) -> dict[str, str]:
    """passage_id -> label from human and gold labels (gold first, then most characters)."""
    cover: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    gold: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in sstore.human_labels(db, project_id):
        if row["label"] not in LABELS:
            continue
        target = gold if row["kind"] == "gold" else cover
        target[row["passage_id"]][row["label"]] += max(1, row["end"] - row["start"])
    out = {pid: max(c, key=c.get) for pid, c in cover.items()}
    out.update({pid: max(c, key=c.get) for pid, c in gold.items()})
    return out


def training_set(db: sqlite_utils.Database, project_id: int | None = None,
                 article_ids: list[str] | None = None) -> tuple[list[dict], list[str], list[float], int]:
    """(passages, labels, weights, n_human) for training."""
    if article_ids is None and project_id is not None:
        article_ids = sstore.project_article_ids(db, project_id) or None
    human = human_passage_labels(db, project_id)
    passages = sstore.content_passages(db, article_ids)
    seen = {p["id"] for p in passages}
    passages += sstore.passages_of(db, [pid for pid in human if pid not in seen])
    rows, y, w = [], [], []
    for p in passages:
        if p["id"] in human:
            rows.append(p), y.append(human[p["id"]]), w.append(classifier.HUMAN_WEIGHT)
            continue
        spans = [s.shift(-p["start"]) for s in sg.passage_spans(p)]
        label, prob = rules.best(rules.rule_scores(p["text"], spans))
        if prob >= MIN_RULE_CONFIDENCE:
            rows.append(p), y.append(label), w.append(1.0)
    return rows, y, w, sum(1 for p in rows if p["id"] in human)


def train_model(db: sqlite_utils.Database, project_id: int | None = None, encoder=None,
                article_ids: list[str] | None = None) -> dict:
    """Fit and store a classifier; returns {"id", "model", "metrics"}. `encoder` None trains on
    rule features alone (the documented no-embedding fallback)."""
    rows, y, w, n_human = training_set(db, project_id, article_ids)
    feats = np.stack([rule_features(p["text"], [s.shift(-p["start"]) for s in sg.passage_spans(p)])
                      for p in rows]) if rows else np.zeros((0, 16))
    vecs = None
    if encoder is not None and rows:
        from compare.vector_store import passage_vectors

        vecs = passage_vectors(db, encoder, [p["text"] for p in rows])
    model = classifier.train(feats, vecs, y, w, encoder.model_id if encoder else None, encoder_name(encoder))
    model.metrics.update({"human": n_human, "weak": len(rows) - n_human, "project_id": project_id})
    params = {"C": classifier.SETTINGS["C"], "class_weight": classifier.SETTINGS["class_weight"], "human_weight": classifier.HUMAN_WEIGHT,
              "encoder": model.encoder_id, "encoder_name": model.encoder_name}
    cid = sstore.save_classifier(db, project_id, model.name, params, model.metrics, classifier.dumps(model))
    return {"id": cid, "model": model.name, "metrics": model.metrics}


def encoder_name(encoder) -> str | None:
    """The name `compare.embed.get_encoder` reloads this encoder by (registered name or model id)."""
    if encoder is None:
        return None
    if getattr(encoder, "name", None):
        return encoder.name
    from compare.embed import MODELS

    return next((n for n, info in MODELS.items() if info.model_id == encoder.model_id), encoder.model_id)
