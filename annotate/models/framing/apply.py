"""Learned framing inside the suggestion pipeline: a passage probability and loaded-word spans.

The rules keep what they do exactly (whole-sentence kinds: questions, exclamations, conclusions,
comment sentences; square-bracket asides and insertions). What word lists used to decide, the
learned models now decide: whether a passage is the outlet's opinion (`sentence`, CheckThat +
BABE) and which of its words are loaded (`loaded`, BABE biased words). Framing inside someone's
quotation stays the speaker's: quotation spans are passed in and nothing is reported inside them.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from annotate.models import choices
from annotate.models.framing import loaded, loaded_e5, sentence, wordscores
from annotate.rules.spans import Span, make_span

# Rule kinds the learned tagger replaces in English: both come from word lists
# (annotate/rules/lexicon.py), whose English list found 9% of BABE's biased words on its test part
# (precision 0.23) against the tagger's 51% (precision 0.49). In other languages the tagger only
# adds to the lists: it was trained on English, and the French lists were written for French
# (demo framing recall falls from 0.8+ to 0.48 without them).
REPLACED_KINDS = {"en": frozenset({"loaded", "first_person"})}
MAX_PROCESS_WORDS = 200_000
LEARNED = {"model": "framing:loaded-words"}  # stored as the suggestion's model name (source "model")
# The loaded-word models a user may choose with PRESSLENS_LOADED_MODEL, and the model name their
# suggestions are stored under: "use" (default, fast) or "e5" (reads each word in context with
# multilingual-e5-small; better on BABE, slower: see annotate/models/framing/MODEL_CARD.md).
LOADED_MODELS = {"use": "framing:loaded-words", "e5": "framing:loaded-words-e5"}
# The sentence model: "use" (MLP over the cached USE vector + cheap features: the default, nearly
# free) or "e5" (LoRA-tuned e5-small layers: better on CheckThat dev/dev_test, a transformer pass per
# passage; MODEL_CARD.md, bench/framing_speed.py). Chosen by PRESSLENS_FRAMING_MODEL or a
# command's --framing-model.
SENTENCE_MODELS = choices.KINDS["framing"].names
FRAMING_MODEL_ENV = choices.KINDS["framing"].setting
PASSAGE_MODEL = "framing:sentence+rules"  # the passage label's model name when this module decided it  # word vectors kept in memory across analyses (x 2 KiB each)


@dataclass
class FramingResult:
    """Per passage: the probability of being framing, and its framing spans (local offsets)."""
    probs: np.ndarray
    spans: list[list[Span]]


def encoder_name() -> str:
    """The bundled encoder whose vectors both framing models read (recorded with their weights)."""
    return sentence.model_info()["encoder"]


def loaded_model_name() -> str:
    """The loaded-word model chosen by the PRESSLENS_LOADED_MODEL setting ("use" when unset)."""
    return choices.choose("loaded")


def sentence_model_name(name: str | None = None) -> str:
    """The sentence model to use: `name`, else $PRESSLENS_FRAMING_MODEL, else "use".
    An unknown name is `Invalid` (a ValueError) naming the choices and where the name came from."""
    return choices.choose("framing", name)


def passage_model(sentence_model: str = "use") -> str:
    """The passage label's model name for the chosen sentence model (stored with suggestions)."""
    return PASSAGE_MODEL if sentence_model == "use" else f"framing:sentence-{sentence_model}+rules"


def learned_framing(texts: list[str], lang: str | None, vectors: np.ndarray, rule_spans: list[list[Span]],
                    words: loaded.WordVectors, sentence_model: str = "use",
                    loaded_model: str | None = None) -> FramingResult:
    """Framing probability and spans for passages `texts` of one language.

    `vectors`: the texts' vectors from `encoder_name()`; `rule_spans`: each text's rule spans
    (local offsets), whose quotations mark where framing is the speaker's and whose loaded /
    first-person word-list spans are replaced by the tagger's. `sentence_model` ("use" or "e5",
    see SENTENCE_MODELS) decides the passage probability; `loaded_model` ("use" or "e5"; None: the
    PRESSLENS_LOADED_MODEL setting) tags the loaded words.
    """
    if not texts:
        return FramingResult(np.zeros(0), [])
    model = loaded_model or loaded_model_name()
    if sentence_model == "e5":
        from annotate.models.framing import sentence_e5

        probs = sentence_e5.sentence_scores(texts, lang)
    else:
        probs = sentence.sentence_scores(vectors, texts, lang, rule_spans=rule_spans)
    quotes = [[(s.start, s.end) for s in spans if s.label == "quotation"] for spans in rule_spans]
    tagger = loaded_e5 if model == "e5" else loaded
    tagged = tagger.batch_loaded_spans(texts, lang, quotes, vectors, words=words)
    replaced = REPLACED_KINDS.get(lang or "", frozenset())
    out = []
    for text, spans, found in zip(texts, rule_spans, tagged):
        kept = [s for s in spans if not (s.label == "editorial_framing" and s.kind in replaced)]
        covered = [(s.start, s.end) for s in kept if s.label == "editorial_framing"]
        new = [make_span(text, w.start, w.end, "editorial_framing", kind="loaded", prob=w.prob,
                         meta={"model": LOADED_MODELS[model]})
               for w in found if not any(a <= w.start and w.end <= b for a, b in covered)]
        out.append(sorted(kept + new, key=lambda s: (s.start, s.end)))
    return FramingResult(probs, out)


def passage_probs(rule_probs: np.ndarray, framing: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    """Combine the rules' passage probabilities with the learned framing probability.

    The rules keep the quotation share q (quote marks and speech cues are what they see well);
    the rest is split between framing and sourced fact by the learned probability p, so the
    passage is framing exactly when p >= 0.5 and it is not mostly a quotation.
    """
    q_col, f_col, s_col = labels.index("quotation"), labels.index("editorial_framing"), labels.index("sourced_fact")
    out = np.zeros_like(rule_probs, dtype=np.float64)
    q = rule_probs[:, q_col]
    out[:, q_col] = q
    out[:, f_col] = (1 - q) * framing
    out[:, s_col] = (1 - q) * (1 - framing)
    return out


def word_types(texts: list[str]) -> list[str]:
    """The word types the loaded-word tagger may encode for `texts` (lowercased, sorted, in the
    order it encodes missing ones): those outside its scored vocabulary, which it never encodes.
    Encoding these ahead of time, in another process (annotate.pipeline), leaves the tagger
    nothing to encode and gives it the same vectors (a superset: sentences below the gate, unknown
    until their vectors exist, are not tagged at all)."""
    known = wordscores.vocabulary().index
    return sorted({w for text in texts for t in loaded.tokens(text) if (w := t.text.lower()) not in known})


class CachedWords(loaded.WordVectors):
    """Word vectors kept for the process in front of the database's vector cache."""

    _shared: dict[str, np.ndarray] = {}
    _shared_lock = threading.Lock()

    def __init__(self, encode_many) -> None:
        super().__init__(self._lookup)
        self._encode_many = encode_many

    def _lookup(self, words: list[str]) -> np.ndarray:
        with self._shared_lock:
            known = {w: self._shared[w] for w in words if w in self._shared}
        missing = [w for w in words if w not in known]
        if missing:
            vecs = np.asarray(self._encode_many(missing), dtype=np.float32)
            known.update(zip(missing, vecs))
            with self._shared_lock:
                if len(self._shared) + len(missing) > MAX_PROCESS_WORDS:
                    self._shared.clear()  # bounded memory
                self._shared.update(zip(missing, vecs))
        return np.stack([known[w] for w in words])
