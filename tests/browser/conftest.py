"""What every browser test shares: Debian's Chromium, its flags, one browser per module."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail in CI, which installs it (make browser)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is not installed (make browser)")
        pytest.skip("Debian chromium is not installed (make browser)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def serve(app):
    """Serve `app` on 127.0.0.1 in a daemon thread; returns (base url, server to shut down)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def demo_class(db, users: dict[str, int]) -> dict:
    """The demo corpus aligned with the FakeEncoder, its largest story in a project "2nde B" of
    curator `prof` with annotators `lea` and `tom`, and one rule suggestion on the first content
    passage. Returns ids: story, project, article, content passages."""
    from annotate.labels import store as labels_store
    from compare import store as compare_store
    from compare.pipeline import run_compare
    from corpus import store as corpus_store
    from corpus.ingest import ingest
    from tests.conftest import DEMO_DIR, FakeEncoder

    ingest(db, [str(DEMO_DIR)])
    ids = [a["id"] for a in corpus_store.list_articles(db)]
    run_compare(db, ids, FakeEncoder())
    story = max(compare_store.list_stories(db), key=lambda s: len(s["article_ids"]))
    project = labels_store.create_project(db, "2nde B", created_by=users["prof"])
    labels_store.add_story(db, project["id"], story["id"])
    for name in ("lea", "tom"):
        labels_store.add_member(db, project["id"], users[name], "annotator")
    article = story["article_ids"][0]
    content = [p for p in corpus_store.get_passages(db, article) if p["content"]]
    suggestion = labels_store.add_label(db, content[0]["id"], "editorial_framing", source="rule", prob=0.89,
                                        model="rules")
    return {"ids": ids, "story": story, "project": project, "article": article, "content": content,
            "suggestion": suggestion}
