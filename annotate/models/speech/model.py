"""Loading the tagger and finding attributions in a text.

The weights are crfsuite's own binary model file (no pickle), opened with pycrfsuite.Tagger.
English runs with all features; French (and any other language) with the universal features
only, which the training data teaches through its delexicalised copies (see features.py).
"""
from __future__ import annotations

from pathlib import Path

from annotate.models.speech import decode, features, french, tokens
from annotate.models.speech.decode import Attribution

WEIGHTS = Path(__file__).resolve().parent / "weights"
MODEL_FILE = WEIGHTS / "speech.crfsuite"
CUES_FILE = WEIGHTS / "cues_en.txt"
LABELS = ("B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT", "O")


class SpeechModel:
    """A pycrfsuite tagger plus the data-derived English cue list it was trained with."""

    def __init__(self, model_file: Path = MODEL_FILE, cues_file: Path = CUES_FILE):
        import pycrfsuite

        if not Path(model_file).is_file():
            raise FileNotFoundError(f"speech model weights not found: {model_file}")
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(model_file))
        extra = frozenset(Path(cues_file).read_text(encoding="utf-8").split()) if Path(cues_file).is_file() else frozenset()
        self.cues = features.cue_words(extra)
        kind = Path(model_file).with_name("features.txt")
        self.slim = kind.is_file() and kind.read_text(encoding="utf-8").strip() == "slim"
        self.model_file = Path(model_file)

    def tag(self, toks: list[tokens.Token], lang: str = "en", text: str = "") -> tuple[list[str], list[float]]:
        """BIO tags and the marginal probability of each chosen tag; English with all features,
        other languages with the universal ones (see features.py). `text` (the paragraph the
        offsets index) is read only by the e5 variant (e5.py)."""
        xseq = features.sequence_features(toks, self.cues, lexical=lang == "en", lang=lang, slim=self.slim)
        tags = self.tagger.tag(xseq)
        probs = [self.tagger.marginal(t, i) if t != "O" else 1.0 for i, t in enumerate(tags)]
        return tags, probs

    def find(self, text: str, lang: str = "en") -> list[Attribution]:
        """Attributions of `text`, paragraph by paragraph; offsets index `text`."""
        lang = "en" if (lang or "en").lower().startswith("en") else "fr"
        out: list[Attribution] = []
        for p0, p1 in tokens.paragraphs(text):
            para = text[p0:p1]
            found: list[Attribution] = []
            for seq in tokens.chunks(tokens.tokenize(para)):
                tags, probs = self.tag(seq, lang, para)
                found += decode.attributions(para, seq, tags, probs, self.cues)
            if lang == "fr":
                found = french.complete(found, para)
            out += found if p0 == 0 else [_shift(a, p0) for a in found]  # a one-line passage: no copy
        return decode.resolve_speakers(out)


def _shift(a: Attribution, offset: int) -> Attribution:
    from dataclasses import replace

    mv = lambda s: None if s is None else decode.Span(s.start + offset, s.end + offset, s.text)  # noqa: E731
    return replace(a, content=mv(a.content), cue=mv(a.cue), source=mv(a.source), speaker=mv(a.speaker),
                   pieces=tuple(mv(p) for p in a.pieces))
