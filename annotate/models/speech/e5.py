"""The e5 variant of the speech tagger ("crf-e5"): a CRF that reads multilingual-e5-small's
contextual word vectors instead of the words themselves.

Stacking, in two parts (MODEL_CARD.md, "e5 variant"): a small bidirectional GRU over e5's
layer-6 word vectors (compare.encoders.e5_tokens; since session 4, replacing a word-by-word
perceptron: tuning-slice recall 0.738 -> 0.780 at precision 0.855) gives each word a
probability for each BIO tag, run here in numpy; the CRF gets those probabilities (the
word's and its neighbours', as float features), the head's best tag, the vector's first 64 principal components and the universal features of
features.py, but no word features (chosen on the tuning slice: without them precision and
speaker accuracy rose, and the CRF file shrank from 6 MB to 72 kB). The head was fitted on
PolNeAR train, the CRF on the head's out-of-fold probabilities. Weights: `weights/e5_head.npz`
(numpy, loaded with allow_pickle=False), `weights/speech_e5.crfsuite` (crfsuite's own format).
English only: other languages go to the plain CRF, whose universal features were trained for them.
It runs e5 (6 of its 12 layers) on every passage, so it costs far more CPU than the plain CRF:
opt-in, chosen with PRESSLENS_SPEECH_MODEL=crf-e5 (annotate.models.speech.choice).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from annotate.models.speech import decode, features, tokens
from annotate.models.speech.decode import Attribution
from annotate.models.speech.model import CUES_FILE, LABELS, WEIGHTS, SpeechModel
from compare.encoders.base import one_blas_thread

HEAD_FILE = WEIGHTS / "e5_head.npz"
CRF_FILE = WEIGHTS / "speech_e5.crfsuite"
TAGS = LABELS[:-1]  # the head's probability of each non-O tag becomes a feature
# The plain CRF's attributions kept where the e5 CRF found nothing: those with a cue (or in
# quotation marks) at this probability or more. Chosen on the tuning slice as the highest recall
# with precision >= 0.85 (the goal), again in session 4 with the GRU head: P 0.855 / R 0.780
# there, against 0.891 / 0.739 for the e5 CRF alone; thresholds 0.9 / 0.8 / 0.6 / 0.5 gave
# R 0.757 / 0.768 / 0.787 / 0.788 at P 0.881 / 0.864 / 0.847 / 0.840 (MODEL_CARD.md).
PLAIN_MIN_PROB = 0.7


def head_probs(head: dict, x: np.ndarray) -> np.ndarray:
    """(n, 7) tag probabilities (LABELS order) of one sequence's word vectors `x` under the head:
    the bidirectional GRU head when the weights have one (gru_* arrays), else the word-by-word
    perceptron of session 3."""
    z = (x.astype(np.float32) - head["mean"]) / head["std"]
    h = np.maximum(z @ head["w1"] + head["b1"], 0.0)
    if "gru_f_weight_ih" in head:
        h = np.concatenate([_gru(h, head, "f"), _gru(h[::-1], head, "b")[::-1], h], axis=1)
    logits = h @ head["w2"] + head["b2"]
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def _gru(x: np.ndarray, head: dict, way: str) -> np.ndarray:
    """torch.nn.GRU's recurrence (gates r, z, n in that order) over the rows of `x`, in numpy."""
    w_ih, w_hh = head[f"gru_{way}_weight_ih"], head[f"gru_{way}_weight_hh"]
    gi = x @ w_ih.T + head[f"gru_{way}_bias_ih"]
    b_hh, n = head[f"gru_{way}_bias_hh"], w_hh.shape[1]
    h, out = np.zeros(n, np.float32), np.empty((len(x), n), np.float32)
    for t in range(len(x)):
        gh = w_hh @ h + b_hh
        r = 1.0 / (1.0 + np.exp(-(gi[t, :n] + gh[:n])))
        u = 1.0 / (1.0 + np.exp(-(gi[t, n:2 * n] + gh[n:2 * n])))
        h = (1.0 - u) * np.tanh(gi[t, 2 * n:] + r * gh[2 * n:]) + u * h
        out[t] = h
    return out


def projected(head: dict, x: np.ndarray) -> np.ndarray | None:
    """Word vectors projected on the head's principal axes (unit variance), when it has them."""
    if "proj" not in head:
        return None
    return (x.astype(np.float32) - head["proj_mean"]) @ head["proj"]


def dense_features(probs: np.ndarray, proj: np.ndarray | None = None) -> list[dict[str, float]]:
    """Float features per word: the head's tag probabilities for the word and its neighbours
    (±1), its best tag as a string feature (value 1) and, when given, its projected vector."""
    n = len(probs)
    out = []
    for i in range(n):
        f = {"e:best=" + LABELS[int(probs[i].argmax())]: 1.0}
        if proj is not None:
            f.update({f"ep{k}": float(v) for k, v in enumerate(proj[i])})
        for off, name in ((0, "e0:"), (-1, "e-1:"), (1, "e+1:")):
            j = i + off
            if 0 <= j < n:
                f.update({name + t: float(probs[j, k]) for k, t in enumerate(TAGS)})
        out.append(f)
    return out


def merged(strings: list[list[str]], dense: list[dict[str, float]]) -> list[dict[str, float]]:
    """crfsuite items: the usual feature strings (value 1) plus the dense ones."""
    return [{**dict.fromkeys(s, 1.0), **d} for s, d in zip(strings, dense)]


def load_head(path: Path = HEAD_FILE) -> dict:
    """The head's arrays (no pickle) and the e5 layer it reads."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"speech e5 head weights not found: {path}")
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


class E5SpeechModel(SpeechModel):
    """SpeechModel whose English tagging also reads e5 (see the module docstring)."""

    def __init__(self, model_file: Path = CRF_FILE, cues_file: Path = CUES_FILE, head_file: Path = HEAD_FILE,
                 encoder=None) -> None:
        super().__init__(model_file, cues_file)
        self.head = load_head(head_file)
        # lexical = False: the CRF was trained without word features (e5 carries the words)
        self.lexical = bool(self.head.get("lexical", True))
        self.plain = SpeechModel()
        if encoder is None:
            from compare.encoders.e5_tokens import word_states

            encoder = word_states((int(self.head["layer"]),))
        self.encoder = encoder

    def find(self, text: str, lang: str = "en") -> list[Attribution]:
        """The e5 CRF's attributions plus the plain CRF's confident ones it has nothing for
        (see with_plain): e5 is more precise, the plain CRF's word features catch some it misses."""
        found = super().find(text, lang)
        if not (lang or "en").lower().startswith("en"):
            return found  # other languages were the plain CRF's already (tag)
        return with_plain(found, self.plain.find(text, lang))

    def tag(self, toks: list[tokens.Token], lang: str = "en", text: str = "") -> tuple[list[str], list[float]]:
        """BIO tags and marginals; `text` is the paragraph the tokens' offsets index."""
        if lang != "en":
            return self.plain.tag(toks, lang)
        c0 = toks[0].start
        states = self.encoder([text[c0:toks[-1].end]], [[(t.start - c0, t.end - c0) for t in toks]])[0]
        strings = features.sequence_features(toks, self.cues, lexical=self.lexical, lang=lang, slim=self.slim)
        # numpy's BLAS threads on these small products fight torch's threads for the next passage:
        # e5 then took ~3x its CPU time (session 4, bench/quality/speed_speech.py), so one thread
        with one_blas_thread():
            xseq = merged(strings, dense_features(head_probs(self.head, states), projected(self.head, states)))
        tags = self.tagger.tag(xseq)
        return tags, [self.tagger.marginal(t, i) if t != "O" else 1.0 for i, t in enumerate(tags)]


def with_plain(rich: list[Attribution], plain: list[Attribution], min_prob: float = PLAIN_MIN_PROB) -> list[Attribution]:
    """`rich` plus each attribution of `plain` that overlaps none of them, has a cue or quotation
    marks, and a probability of at least `min_prob`; in text order, speakers resolved again."""
    def clear(a: Attribution) -> bool:
        return not any(a.content.start < b.content.end and b.content.start < a.content.end for b in rich)

    extra = [a for a in plain if a.prob >= min_prob and (a.cue is not None or a.direct) and clear(a)]
    if not extra:
        return rich
    return decode.resolve_speakers(sorted(rich + extra, key=lambda a: (a.content.start, a.content.end)))
