"""`demo-setup` end to end on the bundled demo corpus (FakeEncoder: no embedding model)."""
from __future__ import annotations

import pytest

from annotate.labels import store as labels_store
from compare import store as compare_store
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR
from web import auth_store
from web.demo import setup_demo


@pytest.mark.slow  # runs the whole analysis (the suggestion step loads spaCy)
def test_demo_setup_analyses_and_opens_a_demo_project(db, fake_encoder):
    admin, _ = auth_store.create_user(db, "admin", "admin")
    ingest(db, [str(DEMO_DIR)])
    result = setup_demo(db, fake_encoder)
    assert result["articles"] == 2 and result["alignments"] > 0
    project = labels_store.get_project(db, result["project_id"])
    assert project["name"] == "Demo"
    assert labels_store.member_role(db, project["id"], admin.id) == "curator"
    story = compare_store.get_story(db, result["story_id"])
    assert len(story["article_ids"]) == 2 and compare_store.latest_run(db, story["id"]) is not None
    again = setup_demo(db, fake_encoder)
    assert again["project_id"] == result["project_id"]
