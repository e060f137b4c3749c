"""Who copied or quoted whom: by date when known, else by containment."""
from compare.diff import word_diff
from compare.provenance import direction, reuse_graph

ORIGINAL = "Il y a huit ans, la direction départementale de sécurité publique est choisie pour expérimenter le logiciel."
QUOTING = "C’est ce que Disclose explique : « Il y a huit ans, la direction départementale de sécurité publique est choisie pour expérimenter le logiciel » peut-on lire."


def test_earlier_article_is_the_origin_when_dates_are_known():
    assert direction("verbatim", ORIGINAL, ORIGINAL, "2023-11-17", "2023-11-14") == (1, "date")
    assert direction("verbatim", ORIGINAL, ORIGINAL, "2023-11-14", "2023-11-17") == (-1, "date")


def test_without_dates_the_quoting_passage_is_the_copier():
    assert direction("quoted", QUOTING, ORIGINAL, None, None) == (1, "containment")
    assert direction("quoted", ORIGINAL, QUOTING, None, None) == (-1, "containment")


def test_same_day_falls_back_to_containment_and_equal_texts_stay_unknown():
    assert direction("quoted", QUOTING, ORIGINAL, "2023-11-14", "2023-11-14T18:00") == (1, "containment")
    assert direction("verbatim", ORIGINAL, ORIGINAL, None, None) == (0, "unknown")


def test_reuse_graph_counts_passages_and_characters_per_direction():
    passages = {"x1": {"article_id": "X", "text": ORIGINAL}, "y1": {"article_id": "Y", "text": QUOTING},
                "x2": {"article_id": "X", "text": "Une phrase copiée mot pour mot dans l’autre article."},
                "y2": {"article_id": "Y", "text": "Une phrase copiée mot pour mot dans l’autre article."},
                "x3": {"article_id": "X", "text": "Le gouvernement a fait passer une loi."},
                "y3": {"article_id": "Y", "text": "Une loi a été adoptée par le parlement."}}
    diff = word_diff(passages["x2"]["text"], passages["y2"]["text"])
    alignments = [
        {"a": "y1", "b": "x1", "kind": "quoted", "diff": []},
        {"a": "x2", "b": "y2", "kind": "verbatim", "diff": diff},
        {"a": "x3", "b": "y3", "kind": "paraphrase", "diff": []},  # says nothing about provenance
    ]
    [edge] = reuse_graph(alignments, passages, {"X": "2023-11-14", "Y": "2023-11-17"})
    assert (edge["source"], edge["target"]) == ("X", "Y")
    assert edge["passages"] == 2 and edge["kinds"] == {"quoted": 1, "verbatim": 1}
    assert edge["chars"] > len(passages["x2"]["text"]) and edge["basis"] == {"date": 2}
