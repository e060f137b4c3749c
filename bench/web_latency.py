"""Compare-page latency: p50/p95 over 200 GET requests for a 5-article story, through waitress.

Data: the two demo articles plus three deterministic variants of them (paragraphs dropped,
reordered, words changed: what outlets do), ingested by corpus.ingest and aligned by
compare.pipeline.align_stories with a trigram hashing encoder (the page's cost does not depend on
which encoder produced the alignments). The client is logged in and keeps its session cookie,
exactly as a browser would. Every content passage carries one stored machine suggestion, so the
page draws labels inline as it does after `analyze`. Prints one JSON object.
"""
from __future__ import annotations

import http.cookiejar
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import waitress  # noqa: E402

from annotate.labels import store as labels_store  # noqa: E402
from compare import store as compare_store  # noqa: E402
from compare.pipeline import align_stories  # noqa: E402
from corpus import db as dbmod  # noqa: E402
from corpus import store as corpus_store  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from web import auth_store, create_app  # noqa: E402

REQUESTS = 200
PASSWORD = "bench-password-123"
LABELS = ("sourced_fact", "quotation", "editorial_framing")


class TrigramEncoder:
    """Deterministic hashed character-trigram vectors (same idea as the tests' FakeEncoder)."""
    model_id = "bench-trigram-256"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for i, text in enumerate(texts):
            norm = " " + re.sub(r"\s+", " ", text.lower()) + " "
            for j in range(len(norm) - 2):
                out[i, hash(norm[j:j + 3]) % 256] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def variant(text: str, seed: int) -> str:
    """Another outlet's take: drop ~15% of paragraphs, swap neighbours, reword a few words."""
    rng = random.Random(seed)
    paras = [p for p in text.split("\n") if p.strip()]
    kept = [p for p in paras if rng.random() > 0.15]
    for i in range(0, len(kept) - 1, 5):
        kept[i], kept[i + 1] = kept[i + 1], kept[i]
    swaps = {"police": "gendarmerie", "logiciel": "outil", "selon": "d'après", "secret": "silence"}
    out = []
    for p in kept:
        for a, b in swaps.items():
            if rng.random() < 0.3:
                p = p.replace(a, b)
        out.append(p)
    return f"Variante {seed}\n\n" + "\n\n".join(out) + "\n"


def build(tmp: Path) -> dict:
    demo = sorted((ROOT / "corpus" / "demo").glob("*.txt"))
    for seed, source in enumerate([demo[0], demo[1], demo[0]], start=1):
        (tmp / f"variant{seed}.txt").write_text(variant(source.read_text(encoding="utf-8"), seed), encoding="utf-8")
    db = dbmod.connect(tmp / "bench.db")
    auth_store.create_user(db, "bench", "admin", password=PASSWORD)
    report = ingest(db, [str(p) for p in demo] + [str(tmp / f"variant{i}.txt") for i in (1, 2, 3)])
    ids = report.article_ids
    story_id = compare_store.create_story(db, ids, "bench story")
    align_stories(db, [story_id], TrigramEncoder())
    alignments = compare_store.get_alignments(db, compare_store.latest_run(db, story_id)["id"])
    # One machine suggestion per content passage (as run_suggestions stores), drawn inline.
    for i, aid in enumerate(ids):
        for p in corpus_store.get_passages(db, aid, content_only=True):
            labels_store.add_label(db, p["id"], LABELS[(p["seq"] + i) % 3], source="model", prob=0.6, model="bench")
    passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
    labels = sum(len(labels_store.list_labels(db, article_id=a)) for a in ids)
    db.conn.close()
    return {"story_id": story_id, "articles": len(ids), "passages": passages, "alignments": len(alignments),
            "labels": labels}


def serve(db_path: Path, instance: Path) -> tuple[str, object]:
    app = create_app({"DATABASE": str(db_path), "INSTANCE_PATH": str(instance)})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}", server


def login(base: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"username": "bench", "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login", data=form).read()
    return opener


def main() -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        info = build(tmp)
        base, server = serve(tmp / "bench.db", tmp / "instance")
        opener = login(base)
        url = f"{base}/stories/{info['story_id']}"
        size = len(opener.open(url).read())  # warm-up (templates compiled)
        times = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            body = opener.open(url).read()
            times.append((time.perf_counter() - t0) * 1000)
        assert b"panes n5" in body, "the page did not render five columns"

    qs = statistics.quantiles(times, n=100)
    print(json.dumps({"bench": "web_latency", "page": "compare", "requests": REQUESTS, **info,
                      "page_bytes": size, "p50_ms": round(qs[49], 1), "p95_ms": round(qs[94], 1),
                      "mean_ms": round(statistics.fmean(times), 1), "max_ms": round(max(times), 1),
                      "server": "waitress 4 threads, 127.0.0.1"}))


if __name__ == "__main__":
    main()
