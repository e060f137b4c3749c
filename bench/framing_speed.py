"""Inference cost of the learned framing models on top of cached sentence vectors.

Takes 7,500 real news sentences (CheckThat! 2025 all splits, then BABE) with their USE vectors
already computed (as the vector cache holds them when suggestions run), then times:
sentence_scores (MLP + cheap features; with and without the rule spans passed in), loaded-word
tagging with the word-vector cache cold (one USE call over the distinct words) and warm (a second
pass). Then the loaded-word tagger on the content passages of the 300 English articles of
bench/analyze_speed.py (PolNeAR train, kept out of the shipped vocabulary), cold, in one run:
without shortcuts (every word type encoded by USE, every passage tagged: the tagger before the
scored vocabulary) and with them (vocabulary + sentence gate). Prints JSON.
Usage: .venv/bin/python bench/framing_speed.py
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _data  # noqa: E402
from bench.quality import _framing_data as d  # noqa: E402

N = 7500  # about the passages of a large classroom/fact-check corpus (issue 14)
ARTICLES = 300  # bench/analyze_speed.py's English corpus


def passages() -> tuple[list[str], list[str]]:
    texts, langs = [], []
    for split in ("train", "dev", "dev_test"):
        for lang in d.LANGS:
            for row in d.checkthat(split, lang):
                texts.append(row["text"])
                langs.append(lang)
    for part in ("train", "test"):
        texts += [r["text"] for r in d.babe(part)]
    langs += ["en"] * (len(texts) - len(langs))
    return texts[:N], langs[:N]


def timed(fn) -> tuple[object, float]:
    start = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - start, 3)


def main() -> None:
    _data.require("framing_speed", d.CHECKTHAT / "train_en.jsonl", d.BABE)
    from annotate.models.framing import loaded, sentence

    texts, langs = passages()
    vecs = d.vectors("use", texts)  # cached on disk: stands for the vector cache
    by_lang: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        by_lang.setdefault(lang, []).append(i)
    sentence.sentence_scores(vecs[:1], texts[:1], "en")  # load weights outside the timing
    _, t_sent = timed(lambda: [sentence.sentence_scores(vecs[ix], [texts[i] for i in ix], lang)
                               for lang, ix in by_lang.items()])
    from annotate.models.framing import features

    rules = {lang: [features.find_rule_spans(texts[i], lang) if features.rule_lang(lang) else [] for i in ix]
             for lang, ix in by_lang.items()}  # the pipeline already has these (annotate.rules.detect)
    _, t_sent_rules = timed(lambda: [sentence.sentence_scores(vecs[ix], [texts[i] for i in ix], lang, rules[lang])
                                     for lang, ix in by_lang.items()])
    words = loaded.WordVectors()
    n_types = len({t.text.lower() for text in texts for t in loaded.tokens(text)})
    run = lambda: [loaded.batch_loaded_spans([texts[i] for i in ix], lang, vectors=vecs[ix], words=words)  # noqa: E731
                   for lang, ix in by_lang.items()]
    spans, t_cold = timed(run)
    _, t_warm = timed(run)
    print(json.dumps({
        "bench": "framing_speed", "passages": len(texts), "word_types": n_types, **english_articles(),
        "sentence_scores_s": t_sent, "sentence_scores_given_rule_spans_s": t_sent_rules,
        "loaded_words_cold_s": t_cold, "loaded_words_warm_s": t_warm,
        "loaded_spans": sum(len(s) for batch in spans for s in batch),
        "note": ("vectors precomputed (USE, as in the vector cache); cold = USE encodes each distinct word once "
                 "(outside the shipped vocabulary, which holds the words of CheckThat en train/dev and BABE's train "
                 "part: the articles_* figures are the honest cold case)"),
    }))


def article_passages(n: int = ARTICLES) -> list[str]:
    """Content passages of the first `n` distinct PolNeAR train articles, as analyze segments them."""
    from corpus.segment import segment

    seen, out = set(), []
    with (d.DATA / "polnear" / "train.jsonl").open(encoding="utf-8") as rows:
        for line in rows:
            doc = json.loads(line)
            if doc["doc_id"] not in seen and len(seen) < n:
                seen.add(doc["doc_id"])
                out += [p.text for p in segment(doc["text"], "en") if p.content]
    return out


def english_articles() -> dict:
    """Loaded-word tagging of the 300 articles, cold, without then with the shortcuts."""
    from annotate.models.framing import loaded, wordscores

    texts = article_passages()
    vecs = d.vectors("use", texts)
    types = {t.text.lower() for text in texts for t in loaded.tokens(text)}
    wordscores.vocabulary.cache_clear()
    _, t_vocab = timed(wordscores.vocabulary)  # once per process; outside the timings below, as a warm process has it
    before, t_before = timed(lambda: loaded.batch_loaded_spans(texts, "en", vectors=vecs, words=loaded.WordVectors(),
                                                               shortcuts=False))
    encoded: list[int] = []
    words = loaded.WordVectors(_counting(encoded))
    after, t_after = timed(lambda: loaded.batch_loaded_spans(texts, "en", vectors=vecs, words=words))
    _, t_warm = timed(lambda: loaded.batch_loaded_spans(texts, "en", vectors=vecs, words=words))
    same = sum([(s.start, s.end) for s in a] == [(s.start, s.end) for s in b] for a, b in zip(before, after))
    return {"vocabulary_load_s": t_vocab, "articles_passages": len(texts), "articles_word_types": len(types),
            "articles_no_shortcuts_s": t_before, "articles_vocab_gate_s": t_after,
            "articles_speedup": round(t_before / max(t_after, 1e-9), 1),
            "articles_vocab_gate_warm_s": t_warm, "articles_words_encoded_with_shortcuts": sum(encoded),
            "articles_spans_no_shortcuts": sum(map(len, before)), "articles_spans_with_shortcuts": sum(map(len, after)),
            "articles_passages_same_spans": same}


def _counting(encoded: list[int]):
    from compare.embed import get_encoder

    enc = get_encoder("use")

    def encode(words: list[str]):
        encoded.append(len(words))
        return enc.encode(words)
    return encode


if __name__ == "__main__":
    main()
