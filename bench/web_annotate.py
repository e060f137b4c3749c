"""Annotate page on a 5,000-word article, in real headless Chromium: load time, and the time from
a label key press to the label drawn (the API save included), over 40 labels.

It also counts which passages' DOM changed per key press (MutationObserver): only the labelled
passage is redrawn, not the whole article. Needs /usr/bin/chromium. Prints one JSON object.
"""
from __future__ import annotations

import json
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from annotate.labels import store as labels_store  # noqa: E402
from compare import store as compare_store  # noqa: E402
from corpus import db as dbmod  # noqa: E402
from corpus import store as corpus_store  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from web import auth_store, create_app  # noqa: E402

WORDS = ("le la les un une des ministre police logiciel selon déclaré rapport enquête gouvernement "
         "reconnaissance faciale contrat données citoyens libertés surveillance caméras justice").split()
PASSWORD = "bench-password-123"
LABELS = 40


def article(n_words: int = 5000, seed: int = 0) -> str:
    rng = random.Random(seed)
    paras, count = [], 0
    while count < n_words:
        sentence_words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
        para = " ".join(sentence_words).capitalize() + ". « " + " ".join(rng.choice(WORDS) for _ in range(6)) + " »."
        paras.append(para)
        count += len(para.split())
    return "Un long article\n\n" + "\n\n".join(paras) + "\n"


def build(tmp: Path) -> dict:
    (tmp / "long.txt").write_text(article(), encoding="utf-8")
    db = dbmod.connect(tmp / "b.db")
    admin, _ = auth_store.create_user(db, "bench", "admin", password=PASSWORD)
    aid = ingest(db, [str(tmp / "long.txt")], outlet="Bench").added[0]
    story = compare_store.create_story(db, [aid], "long")
    project = labels_store.create_project(db, "Bench", created_by=admin.id)
    labels_store.add_story(db, project["id"], story)
    passages = corpus_store.get_passages(db, aid, content_only=True)
    words = len(corpus_store.get_article(db, aid)["text"].split())
    db.conn.close()
    return {"article": aid, "project": project["id"], "passages": len(passages), "words": words,
            "ids": [p["id"] for p in passages]}


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        info = build(tmp)
        app = create_app({"DATABASE": str(tmp / "b.db"), "INSTANCE_PATH": str(tmp / "inst")})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/login")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("form button.primary")
            page.wait_for_url("**/stories")
            t0 = time.perf_counter()
            page.goto(f"{base}/projects/{info['project']}/articles/{info['article']}/annotate")
            page.wait_for_selector("#article[data-ready='1']")
            load_ms = (time.perf_counter() - t0) * 1000
            page.evaluate("""() => {
                window.__changed = new Set();
                new MutationObserver((records) => { for (const r of records) {
                    const p = (r.target.nodeType === 1 ? r.target : r.target.parentElement).closest('.passage');
                    if (p) window.__changed.add(p.dataset.pid); } })
                  .observe(document.getElementById('article'), {childList: true, subtree: true, characterData: true});
            }""")
            times, changed = [], []
            for i in range(LABELS):
                page.evaluate("() => window.__changed.clear()")
                t1 = time.perf_counter()
                page.keyboard.press(str(1 + i % 3))
                page.wait_for_selector(f"#p-{info['ids'][i]} .lab.src-human")
                times.append((time.perf_counter() - t1) * 1000)
                changed.append(page.evaluate("() => window.__changed.size"))
                page.keyboard.press("j")
            browser.close()
        server.shutdown()
    qs = statistics.quantiles(times, n=20)
    print(json.dumps({"bench": "web_annotate", "words": info["words"], "passages": info["passages"],
                      "labels": LABELS, "page_load_ms": round(load_ms, 1),
                      "key_to_label_p50_ms": round(statistics.median(times), 1), "key_to_label_p95_ms": round(qs[18], 1),
                      "passages_redrawn_per_label_max": max(changed), "browser": "chromium headless"}))


if __name__ == "__main__":
    main()
