"""Speed and memory of the compare layer; prints JSON.

Usage: .venv/bin/python bench/align_speed.py [--model use] [--skip-analyze]
- align_story_20x60: aligning one story of 20 articles x 60 passages (190 article pairs);
- stories_{2000,10000}: clustering synthetic article vectors (NN search + union-find + linkage);
- pipeline: run_compare passages/s (cold cache) on 30 articles in 6 stories built from dev
  sentences, and its ratio to the encoder alone on the same passages (duplicates included: the
  pipeline embeds each distinct text once, so it can beat the naive encoder run);
- demo_analyze: cold and warm time of run_compare and of the full annotate.pipeline.analyze on
  the demo corpus (encoder already loaded; its load time reported apart);
- peak_rss_mib: peak resident memory of this process.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compare import align, pipeline, stories  # noqa: E402
from compare.quality import load_cases  # noqa: E402
from corpus import db as dbmod  # noqa: E402
from corpus.models import ArticleInput  # noqa: E402
from corpus.segment import segment  # noqa: E402
from corpus.store import save_article  # noqa: E402

WORDS = ("police logiciel reconnaissance faciale ministère intérieur surveillance caméra données loi "
         "gouvernement parlement enquête document service vidéo image société israélienne Briefcam "
         "France Europe ville préfecture juge droit liberté association rapport contrôle public").split()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."


def synthetic_story(n_articles: int, n_passages: int, seed: int = 0) -> list[list[str]]:
    """Articles sharing a pool of sentences: ~30% copied, ~20% edited copies, the rest own text."""
    rng = random.Random(seed)
    pool = [_sentence(rng) for _ in range(n_passages)]
    articles = []
    for _ in range(n_articles):
        texts = []
        for _ in range(n_passages):
            r = rng.random()
            base = rng.choice(pool)
            texts.append(base if r < 0.3 else base.replace(" ", " très ", 1) if r < 0.5 else _sentence(rng))
        articles.append(texts)
    return articles


def bench_align_story(n_articles: int = 20, n_passages: int = 60) -> dict:
    from tests.conftest import FakeEncoder

    enc = FakeEncoder()
    arts = [align.ArticlePassages(f"art{i}", [f"art{i}-{j:04d}" for j in range(len(t))], t, enc.encode(t))
            for i, t in enumerate(synthetic_story(n_articles, n_passages))]
    t0 = time.perf_counter()
    found = align.align_story(arts, align.params_for("e5"))
    elapsed = time.perf_counter() - t0
    return {"articles": n_articles, "passages_per_article": n_passages, "article_pairs": n_articles * (n_articles - 1) // 2,
            "seconds": round(elapsed, 3), "alignments": len(found)}


def bench_stories(n: int, dim: int = 384, per_story: int = 5, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    n_stories = n // per_story
    centroids = rng.normal(size=(n_stories, dim)).astype(np.float32)
    labels = np.repeat(np.arange(n_stories), per_story)
    vecs = centroids[labels] / np.linalg.norm(centroids[labels], axis=1, keepdims=True)
    vecs = vecs + rng.normal(scale=0.3 / np.sqrt(dim), size=vecs.shape).astype(np.float32)
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    ids = [f"a{i}" for i in range(n)]
    t0 = time.perf_counter()
    groups = stories.cluster(ids, vecs, [None] * n, stories.StoryParams(threshold=0.8))
    elapsed = time.perf_counter() - t0
    exact = sum(1 for g in groups if len({labels[int(a[1:])] for a in g}) == 1 and len(g) == per_story)
    return {"articles": n, "seconds": round(elapsed, 3), "stories_found": len(groups),
            "stories_true": n_stories, "stories_exact": exact}


def dev_corpus(n_articles: int, per_story: int = 5, seed: int = 0) -> list[tuple[str, str]]:
    """Stories of `per_story` articles of up to 12 sentences. Each story draws from its own gold
    cases (one topic, as real stories have), its articles share sentences (as copies do), and
    each article is titled by its first sentence: a shuffle across all topics with identical
    titles made every article look alike and merged the whole corpus into one story."""
    cases = []
    for path in sorted((ROOT / "tests/data").glob("align_gold_*.json")):
        for case in load_cases(path, ROOT):
            cases.append([p.text for text in (case.text_a, case.text_b)
                          for p in segment(text, case.lang) if p.content and len(p.text) > 40])
    rng = random.Random(seed)
    n_stories = max(1, n_articles // per_story)
    pools = [sum(cases[k::n_stories], []) for k in range(n_stories)]
    articles = []
    for i in range(n_articles):
        pool = pools[i % n_stories]
        lines = rng.sample(pool, min(12, len(pool)))
        articles.append((lines[0][:80], "\n".join(lines) + "\n"))
    return articles


def _store(db, articles: list[tuple[str, str]]) -> list[str]:
    ids = []
    for title, text in articles:
        aid, _ = save_article(db, ArticleInput(text=text, source_file=title, source_id=title, title=title), segment(text))
        ids.append(aid)
    return ids


def bench_pipeline(encoder, n_articles: int = 30) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "bench.db")
        corpus = dev_corpus(n_articles)
        ids = _store(db, corpus)
        # what a naive run would encode: every content passage and title, duplicates included
        texts = [r[0] for r in db.execute("SELECT text FROM passages WHERE content = 1")]
        texts += [title for title, _ in corpus]
        t0 = time.perf_counter()
        encoder.encode(texts)
        enc_s = time.perf_counter() - t0
        n_passages = db.execute("SELECT count(*) FROM passages WHERE content = 1").fetchone()[0]
        t0 = time.perf_counter()
        result = pipeline.run_compare(db, ids, encoder)
        pipe_s = time.perf_counter() - t0
        db.conn.close()
    return {"articles": n_articles, "passages": n_passages, "unique_passages": len(set(texts)),
            "encoder_alone_passages_per_s": round(len(texts) / enc_s, 1),
            "pipeline_passages_per_s": round(n_passages / pipe_s, 1),
            "pipeline_to_encoder_ratio": round((n_passages / pipe_s) / (len(texts) / enc_s), 3),
            "pipeline_seconds": round(pipe_s, 3), "encoder_seconds": round(enc_s, 3),
            "stories": len(result["stories"]), "alignments": len(result["alignments"])}


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return round(time.perf_counter() - t0, 3)


def bench_demo(encoder, full: bool) -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        from corpus.ingest import ingest

        db = dbmod.connect(Path(tmp) / "demo.db")
        ids = ingest(db, [str(ROOT / "corpus/demo")]).added
        out["run_compare_cold_s"] = _timed(lambda: pipeline.run_compare(db, ids, encoder))
        out["run_compare_warm_s"] = _timed(lambda: pipeline.run_compare(db, ids, encoder))
        if full:
            from annotate.pipeline import analyze

            db2 = dbmod.connect(Path(tmp) / "demo2.db")
            ids2 = ingest(db2, [str(ROOT / "corpus/demo")]).added
            out["analyze_cold_s"] = _timed(lambda: analyze(db2, ids2, encoder))
            out["analyze_warm_s"] = _timed(lambda: analyze(db2, ids2, encoder))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None, help="encoder name (default: compare.embed's default)")
    parser.add_argument("--skip-analyze", action="store_true", help="skip the full annotate analyze timing")
    args = parser.parse_args()
    from scipy.cluster import hierarchy  # noqa: F401  (import time is not clustering time: compare.stories)

    report = {"align_story_20x60": bench_align_story(),
              "stories_2000": bench_stories(2000), "stories_10000": bench_stories(10000)}
    from compare import embed

    t0 = time.perf_counter()
    encoder = embed.get_encoder(args.model)
    encoder.encode(["warm up"])
    report["model"] = {"model_id": encoder.model_id, "load_s": round(time.perf_counter() - t0, 3)}
    report["pipeline"] = bench_pipeline(encoder)
    report["demo_analyze"] = bench_demo(encoder, full=not args.skip_analyze)
    report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
