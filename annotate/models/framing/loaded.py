"""Loaded-language tagger: which words of a sentence carry the outlet's own evaluation.

Two stages, both tiny. (1) Per word type (wordscores.py): a context-free score from the
multilingual USE vector of the word alone ("is this word loaded?") and a context term, a bilinear
product of word and sentence vectors ("is it loaded in this sentence?"); both are precomputed for
~54k frequent English and French words (weights/loaded_vocab.npz), so only rarer words need USE.
(2) A token model (logistic regression) combines them with the neighbours' scores, a sentence
score ("does this sentence carry loaded words?"), the word's rank within its sentence, shape, the
framing rules' lexicon hit and English-only evidence: how often annotators marked the word or its
stem in training, its frequency, its suffix. Other languages get that evidence blanked and a
token model trained on English rows blanked the same way, so French rests on the multilingual
scores (USE places a French word near its English counterpart), not on a word list. Sentences
whose sentence score is below a gate chosen on the tuning data get no tags and cost no word
lookups. Trained on BABE's expert-marked biased words (English US news).
Words inside quotation spans are the speaker's, never the outlet's: they are not reported.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from annotate.models.framing import features, weights, wordscores
from annotate.models.framing.wordscores import WordVectors

# English derivational endings that often mark evaluation (-ly adverbs, -ist/-ism labels, -ous/-ive
# adjectives); French words mostly miss them and lean on the multilingual scores instead.
SUFFIXES = ("ly", "ist", "ists", "ism", "ous", "ive", "ed", "ing", "ful", "less", "ic", "al", "s")
# Endings stripped to share a known word's rate with its inflections ("radicals" -> "radical").
STEM_ENDINGS = ("ingly", "edly", "ists", "isms", "ing", "ist", "ism", "ed", "ly", "es", "s")

__all__ = ["LoadedSpan", "Token", "WordVectors", "batch_loaded_spans", "framing_spans", "loaded_spans",
           "spans_from_probs", "token_probs", "token_rows", "tokens"]
TOKEN_FEATURES = ("word", "previous_word", "next_word", "sentence", "title", "upper", "hyphen", "long",
                  "first", "lexicon", "known_rate", "known", "context", "below_top", "top", "log_rank", "log_count",
                  "stem_rate", "stem_known", "log_words", *(f"suffix_{s}" for s in SUFFIXES))
MODEL_FILE = "loaded.npz"
MAX_WORD_ROWS = 200_000  # word-feature rows kept per model (bounded memory, ~200 B each)
# Probabilities of the exact bracket rule, as annotate.framing gives them (an aside is sure; an
# insertion inside a quote is flagged for review at lower confidence).
ASIDE_PROB, INSERTION_PROB = 0.85, 0.5


@dataclass(frozen=True)
class LoadedSpan:
    """One framing span: code-point offsets into the text given, so text[start:end] == text.
    `kind`: "loaded" (the model), "aside" (square brackets outside quotes: exact rule) or
    "insertion" (square brackets inside a quote: the outlet's words put into someone's mouth)."""
    start: int
    end: int
    text: str
    prob: float
    kind: str = "loaded"


Token, tokens = features.Token, features.tokens  # the tagger's words (features.py: elisions split)


class KnownWords:
    """How often each word seen in training was marked loaded: a smoothed log rate.

    Words never seen (every French word, most rare English ones) get the prior and `known` = 0,
    so the token model falls back on the multilingual word score for them.
    """

    def __init__(self, counts: dict[str, tuple[int, int]], prior: float, smoothing: float,
                 english: bool = True) -> None:
        self.counts, self.prior, self.smoothing, self.english = counts, prior, smoothing, english
        self._token_index: dict[str, int] = {}  # token text -> its row of _token_table (see token_table)
        self._token_table = np.zeros((0, 4 + 5 + len(SUFFIXES)), dtype=np.float32)
        self._token_lock = threading.Lock()  # the model's KnownWords serve every thread of the process
        self._blank: KnownWords | None = None
        self.stems: dict[str, list[int]] = {}
        for word, (pos, neg) in counts.items():
            held = self.stems.setdefault(stem(word), [0, 0])
            held[0] += pos
            held[1] += neg

    @classmethod
    def from_model(cls, model: weights.ModelFile) -> KnownWords:
        t = model.tables
        counts = dict(zip(t["vocab"].tolist(), zip(t["pos"].tolist(), t["neg"].tolist())))
        return cls(counts, model.meta["known_prior"], model.meta["known_smoothing"])

    def __call__(self, word: str) -> tuple[float, float]:
        pos, neg = self.counts.get(word.lower(), (0, 0))
        if pos + neg == 0:
            return float(np.log(self.prior)), 0.0
        return float(np.log((pos + self.smoothing * self.prior) / (pos + neg + self.smoothing))), 1.0

    def count(self, word: str) -> int:
        """How often the word occurred in training (frequent function words: never loaded)."""
        return sum(self.counts.get(word.lower(), (0, 0)))

    def stem_rate(self, word: str) -> tuple[float, float]:
        """The smoothed rate of all training words sharing the word's stem, and whether any did."""
        pos, neg = self.stems.get(stem(word.lower()), (0, 0))
        rate = (pos + self.smoothing * self.prior) / (pos + neg + self.smoothing)
        return float(np.log(rate)), float(pos + neg > 0)


    def blank(self) -> KnownWords:
        """The same prior with no English evidence: what other languages' words get."""
        if self._blank is None:
            self._blank = KnownWords({}, self.prior, self.smoothing, english=False)
        return self._blank

    def word_features(self, word: str) -> tuple[float, ...]:
        """(rate, known, log count, stem rate, stem known, *suffix flags) of a lowercased word
        (token_table keeps them per token text: the token matrix repeats them for every occurrence)."""
        suffix = [self.english and word.endswith(s) for s in SUFFIXES]
        return (*self(word), np.log1p(self.count(word)), *self.stem_rate(word), *suffix)

    def token_table(self, texts: list[str]) -> np.ndarray:
        """(n, 4 + word features) float32 for token texts: title-case, all-caps (2+ letters), hyphen
        and long-word flags, then `word_features(text.lower())`. Each distinct text's row is kept in a
        float32 table and gathered (built per token, they were half of token_matrix: cProfile)."""
        with self._token_lock:  # a row is listed before it is written, and growing replaces the table
            if len(index := self._token_index) + len(texts) > MAX_WORD_ROWS:
                index.clear()
            for t in texts:
                if t not in index:
                    at = index[t] = len(index)
                    if at >= len(table := self._token_table):  # grown by doubling
                        self._token_table = np.concatenate([table, np.zeros((max(1024, at), table.shape[1]), np.float32)])
                    self._token_table[at] = (t[:1].isupper(), t.isupper() and len(t) > 1, "-" in t, len(t) >= 7,
                                             *self.word_features(t.lower()))
            return self._token_table[[index[t] for t in texts]]


def stem(word: str) -> str:
    """A crude English stem: one STEM_ENDINGS ending off, keeping at least four letters."""
    for end in STEM_ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= 4:
            return word[:-len(end)]
    return word


def token_matrix(text: str, toks: list[Token], lang: str | None, own: np.ndarray, context: np.ndarray,
                 sentence_logit: float, known: KnownWords, english: bool | None = None) -> np.ndarray:
    """Stage-2 input, one row per token (TOKEN_FEATURES order). `own`: each token's context-free
    logit; `context`: its logit given this sentence (the bilinear word x sentence term).

    English-only evidence (known-word rates and counts, stems, suffixes) is blanked for other
    languages, which a second token model reads ("token_blank", trained on English rows blanked
    the same way: it decides from the multilingual scores alone, as French text needs).
    """
    english = is_english(lang) if english is None else english
    known = known if english else known.blank()
    own = np.asarray(own, dtype=np.float32)
    floor = np.float32(-6.0)  # "no neighbour": as unloaded as a word gets
    prev = np.concatenate([[floor], own[:-1]])
    nxt = np.concatenate([own[1:], [floor]])
    table = known.token_table([t.text for t in toks])
    shape = np.zeros((len(toks), 6), dtype=np.float32)  # title (not the first word), upper, hyphen, long, first, lexicon
    shape[:, :4], shape[:, 5] = table[:, :4], _lexicon_hits(text, toks, lang)
    shape[0, 0], shape[0, 4] = 0.0, 1.0
    sent = np.full((len(toks), 1), sentence_logit, dtype=np.float32)
    word = table[:, 4:]
    # A sentence holds one to three loaded words: how far a word sits below the sentence's most
    # loaded-looking one says more than its score alone.
    below = own.max() - own
    rank = np.log1p((-own).argsort(kind="stable").argsort())
    size = np.full(len(toks), np.log1p(len(toks)), dtype=np.float32)
    return np.column_stack([own, prev, nxt, sent, shape, word[:, :2], context, below, below == 0, rank, word[:, 2:5],
                            size, word[:, 5:]])


def is_english(lang: str | None) -> bool:
    """English text (or text of unknown language) reads the English-only features."""
    return (lang or "en").lower().startswith("en")


def token_part(lang: str | None) -> str:
    """The token model for `lang`: English-trained features, or the blanked ones (see token_matrix)."""
    return "token" if is_english(lang) else "token_blank"


def _lexicon_hits(text: str, toks: list[Token], lang: str | None) -> list[bool]:
    rl = features.rule_lang(lang)
    hits = [(m.start(), m.end()) for m in features.loaded_matches(text, rl)] if rl else []
    if not hits:  # most passages, and languages without rules
        return [False] * len(toks)
    return [any(s < t.end and t.start < e for s, e in hits) for t in toks]


_DEFAULT_WORDS = WordVectors()
_KNOWN: dict[int, tuple[weights.ModelFile, KnownWords]] = {}


def _known(model: weights.ModelFile) -> KnownWords:
    held = _KNOWN.get(id(model))
    if held is None or held[0] is not model:  # a reloaded file may reuse a freed object's id
        held = _KNOWN[id(model)] = (model, KnownWords.from_model(model))
    return held[1]


def token_probs(texts: list[str], lang: str | None, vectors: np.ndarray | None = None,
                words: WordVectors | None = None, shortcuts: bool = True,
                toks: list[list[Token]] | None = None) -> list[np.ndarray]:
    """Probability that each token of each text is loaded (arrays aligned with `tokens(text)`).

    `vectors`: the texts' USE vectors (from the vector cache); None encodes the texts here.
    Texts whose sentence score is below the stored gate get zeros without looking at their words
    (chosen on the tuning fifth: hardly any tagged word sits in such a sentence), so their words
    outside the shipped vocabulary cost no encoder call. `shortcuts=False` scores every sentence
    and every word from its vector (the tagger without vocabulary and gate: for benchmarks).
    """
    model = weights.load(MODEL_FILE)
    toks = [tokens(t) for t in texts] if toks is None else toks
    rows = token_rows(texts, lang, vectors, words, shortcuts, toks)
    return [np.zeros(len(ts)) if x is None else model[token_part(lang)].predict(x) for ts, x in zip(toks, rows)]


def token_rows(texts: list[str], lang: str | None, vectors: np.ndarray | None = None,
               words: WordVectors | None = None, shortcuts: bool = True,
               toks: list[list[Token]] | None = None) -> list[np.ndarray | None]:
    """The token model's input (TOKEN_FEATURES) for each text, None for a text below the gate
    or without words (see token_probs); other models stack on these rows (loaded_e5.py).
    `toks`: each text's `tokens`, when the caller has them (tokenising is a third of the cost)."""
    model = weights.load(MODEL_FILE)
    words = words or _DEFAULT_WORDS
    toks = [tokens(t) for t in texts] if toks is None else toks
    if vectors is None:
        vectors = words.encode_texts(texts) if texts else np.zeros((0, model.meta["dim"]), dtype=np.float32)
    sent = model["sentence"].logit(vectors) if len(texts) else np.zeros(0)
    gate = model.meta["gate"] if shortcuts else -np.inf
    live = [i for i, ts in enumerate(toks) if ts and sent[i] >= gate]
    scores = wordscores.lookup(model, (t.text for i in live for t in toks[i]), words, use_vocabulary=shortcuts)
    out: list[np.ndarray | None] = [None] * len(texts)
    for i in live:
        out[i] = _rows(model, texts[i], toks[i], lang, scores, vectors[i], float(sent[i]))
    return out


def _rows(model: weights.ModelFile, text: str, toks: list[Token], lang: str | None, scores: wordscores.Scores,
          vector: np.ndarray, sentence_logit: float) -> np.ndarray:
    t = model.tables
    idx = np.array([scores.index[tok.text.lower()] for tok in toks])
    context = scores.ctx_a[idx] + scores.ctx_code[idx] @ (t["ctx_basis"] @ vector) + float(
        vector @ t["ctx_mean"]) + model.meta["ctx_bias"]
    return token_matrix(text, toks, lang, scores.logit[idx], context, sentence_logit, _known(model))

def loaded_spans(text: str, lang: str | None, quote_spans: list[tuple[int, int]] | None = None,
                 vector: np.ndarray | None = None, threshold: float | None = None,
                 words: WordVectors | None = None) -> list[LoadedSpan]:
    """Loaded words of `text` outside `quote_spans` ((start, end) pairs; None: found by quote marks).

    `vector`: the text's USE vector if the caller has it (vector cache), else it is encoded here.
    `threshold` defaults to the one stored with the weights (chosen on BABE's training part).
    """
    return batch_loaded_spans([text], lang, [quote_spans], None if vector is None else vector[None, :],
                              threshold, words)[0]


def batch_loaded_spans(texts: list[str], lang: str | None, quote_spans: list | None = None,
                       vectors: np.ndarray | None = None, threshold: float | None = None,
                       words: WordVectors | None = None, shortcuts: bool = True) -> list[list[LoadedSpan]]:
    """`loaded_spans` for many texts at once (one word-vector lookup for the whole batch)."""
    cut = weights.load(MODEL_FILE)[token_part(lang)].threshold if threshold is None else threshold
    toks = [tokens(t) for t in texts]
    return spans_from_probs(texts, token_probs(texts, lang, vectors, words, shortcuts, toks), cut, quote_spans, toks)


def spans_from_probs(texts: list[str], probs: list[np.ndarray], cut: float,
                     quote_spans: list | None = None, toks: list[list[Token]] | None = None) -> list[list[LoadedSpan]]:
    """The tokens at or above `cut`, outside each text's quotation spans (None: found by quote marks)."""
    out = []
    for k, (text, qs, p_text) in enumerate(zip(texts, quote_spans or [None] * len(texts), probs)):
        hits = np.flatnonzero(np.asarray(p_text) >= cut)
        if not len(hits):  # most passages: no word to report, no quote ranges to look for
            out.append([])
            continue
        ts = tokens(text) if toks is None else toks[k]
        qs = features.quote_ranges(text) if qs is None else list(qs)
        found = [(ts[i], float(p_text[i])) for i in hits.tolist()]
        out.append([LoadedSpan(t.start, t.end, t.text, round(p, 4)) for t, p in found
                    if not any(s < t.end and t.start < e for s, e in qs)])
    return out


def framing_spans(text: str, lang: str | None, quote_spans: list[tuple[int, int]] | None = None,
                  vector: np.ndarray | None = None, threshold: float | None = None,
                  words: WordVectors | None = None) -> list[LoadedSpan]:
    """Loaded words from the model plus square-bracket spans from the exact rule, sorted by start.

    Brackets outside quotes are asides; inside a quote they are the outlet's insertions. A loaded
    word inside a bracket span is dropped (the bracket span already covers it).
    """
    qs = features.quote_ranges(text) if quote_spans is None else list(quote_spans)
    brackets = []
    for s, e in features.bracket_spans(text):
        inside = any(a <= s < b for a, b in qs)
        brackets.append(LoadedSpan(s, e, text[s:e], INSERTION_PROB if inside else ASIDE_PROB,
                                   "insertion" if inside else "aside"))
    words_found = [w for w in loaded_spans(text, lang, qs, vector, threshold, words)
                   if not any(b.start <= w.start and w.end <= b.end for b in brackets)]
    return sorted(brackets + words_found, key=lambda sp: (sp.start, sp.end))
