"""annotate.campaign.visibility: what a student may see during an exercise (pure rule)."""
from __future__ import annotations

from annotate.campaign.visibility import ExamView, student_may_see

EXAM = ExamView((1,), suggestions=False)
SCAFFOLD = ExamView((1,), suggestions=True)


def test_own_labels_always_show_and_others_never():
    assert student_may_see({"source": "human", "annotator_id": 7}, 7, exam=EXAM)
    assert not student_may_see({"source": "human", "annotator_id": 8}, 7, exam=EXAM)
    assert not student_may_see({"source": "human", "annotator_id": 8}, 7, exam=None)  # blind project


def test_suggestions_hide_during_an_exercise_unless_a_scaffold():
    rule = {"source": "rule", "annotator_id": None}
    assert not student_may_see(rule, 7, exam=EXAM)
    assert student_may_see(rule, 7, exam=SCAFFOLD) and student_may_see(rule, 7, exam=None)


def test_propagated_follow_their_origin_and_gold_never_shows():
    propagated = {"source": "propagated", "annotator_id": None}
    assert student_may_see(propagated, 7, exam=EXAM, origin_owner=7)
    assert not student_may_see(propagated, 7, exam=SCAFFOLD, origin_owner=8)
    assert not student_may_see({"source": "gold", "annotator_id": 2}, 7, exam=None)
