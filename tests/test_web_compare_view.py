"""Pure logic of the compare page: alignment list, links, additions, label and diff segments."""
from __future__ import annotations

from compare.diff import word_diff
from web.compare_view import additions, alignment_list, build_rows, diff_segments, label_segments, links, strongest


def _article(aid: str, n: int, boiler=()) -> dict:
    return {"id": aid, "passages": [{"id": f"{aid}-{i}", "seq": i, "start": i * 10, "end": i * 10 + 9,
                                     "text": f"{aid}{i} text.", "content": i not in boiler} for i in range(n)]}


def _layout(rows) -> list[dict]:
    return [{aid: [p["id"] for p in ps] for aid, ps in row.cells.items()} for row in rows]


def test_aligned_passages_share_a_row_and_unaligned_ones_keep_reading_order():
    a, b = _article("a", 3), _article("b", 4)
    al = [{"a": "a-0", "b": "b-1", "kind": "verbatim"}, {"a": "a-2", "b": "b-3", "kind": "paraphrase"}]
    assert _layout(build_rows([a, b], al)) == [
        {"b": ["b-0"]}, {"a": ["a-0"], "b": ["b-1"]}, {"b": ["b-2"]}, {"a": ["a-1"]}, {"a": ["a-2"], "b": ["b-3"]}]


def test_one_to_many_alignment_puts_both_passages_in_one_cell_and_boilerplate_is_left_out():
    a, b = _article("a", 2, boiler=(1,)), _article("b", 2)
    al = [{"a": "a-0", "b": "b-0", "kind": "quoted"}, {"a": "a-0", "b": "b-1", "kind": "partial"}]
    rows = build_rows([a, b], al)
    assert _layout(rows) == [{"a": ["a-0"], "b": ["b-0", "b-1"]}]
    assert rows[0].aligned


def test_reordered_outlet_is_linked_not_lost():
    a, b = _article("a", 2), _article("b", 2)
    al = [{"a": "a-0", "b": "b-1", "kind": "verbatim"}, {"a": "a-1", "b": "b-0", "kind": "verbatim"}]
    rows = build_rows([a, b], al)
    assert sorted(p for r in _layout(rows) for ps in r.values() for p in ps) == ["a-0", "a-1", "b-0", "b-1"]
    assert {x["pid"] for x in links(al, {"a-0", "a-1", "b-0", "b-1"})["a-0"]} == {"b-1"}


def test_alignment_list_orients_left_to_right_and_orders_by_the_left_column():
    a, b = _article("a", 3), _article("b", 4)
    al = [{"a": "b-3", "b": "a-2", "kind": "paraphrase", "score": 0.8123},
          {"a": "a-0", "b": "b-1", "kind": "verbatim", "score": 1.0}]
    assert alignment_list([a, b], al) == [
        {"a": "a-0", "b": "b-1", "kind": "verbatim", "score": 1.0},
        {"a": "a-2", "b": "b-3", "kind": "paraphrase", "score": 0.812}]


def test_one_to_many_gives_one_entry_per_link_and_reordering_crosses():
    a, b = _article("a", 2), _article("b", 3)
    al = [{"a": "a-0", "b": "b-2", "kind": "quoted"}, {"a": "a-0", "b": "b-1", "kind": "partial"},
          {"a": "a-1", "b": "b-0", "kind": "verbatim"}]
    out = alignment_list([a, b], al)
    assert [(x["a"], x["b"]) for x in out] == [("a-0", "b-1"), ("a-0", "b-2"), ("a-1", "b-0")]
    assert {x["pid"] for x in links(al, {"a-0", "a-1", "b-0", "b-1", "b-2"})["a-0"]} == {"b-1", "b-2"}


def test_alignment_list_skips_hidden_columns_and_same_article_links():
    a, b = _article("a", 2), _article("b", 2)
    al = [{"a": "a-0", "b": "c-1", "kind": "verbatim"}, {"a": "a-0", "b": "a-1", "kind": "verbatim"}]
    assert alignment_list([a, b], al) == []


def test_additions_are_content_passages_without_counterpart():
    a, b = _article("a", 2), _article("b", 2, boiler=(1,))
    assert additions([a, b], [{"a": "a-0", "b": "b-0", "kind": "verbatim"}]) == {"a-1"}


def test_strongest_kind_wins():
    assert strongest(["partial", "verbatim", "paraphrase"]) == "verbatim"
    assert strongest([]) is None


def test_label_segments_cover_the_passage_exactly_and_stack_overlaps():
    passage = {"start": 100, "end": 120, "text": "abcdefghijklmnopqrst"}
    spans = [{"start": 102, "end": 110, "label": "x"}, {"start": 105, "end": 125, "label": "y"}]
    segs = label_segments(passage, spans)
    assert "".join(s["text"] for s in segs) == passage["text"]
    assert [(s["start"], s["end"], [x["label"] for x in s["spans"]]) for s in segs] == [
        (100, 102, []), (102, 105, ["x"]), (105, 110, ["x", "y"]), (110, 120, ["y"])]


def test_label_segments_count_code_points_not_utf16_units():
    passage = {"start": 0, "end": 6, "text": "😀 ab c"}
    segs = label_segments(passage, [{"start": 2, "end": 4, "label": "q"}])
    assert [s["text"] for s in segs] == ["😀 ", "ab", " c"]


def test_diff_segments_rebuild_each_side_with_marks():
    a, b = "Le chat noir dort.", "Le chat blanc dort bien."
    ops = word_diff(a, b)
    left, right = diff_segments(a, ops, "a"), diff_segments(b, ops, "b")
    assert "".join(s["text"] for s in left) == a and "".join(s["text"] for s in right) == b
    assert [s["text"] for s in left if s["mark"] == "del"] == ["noir"]
    assert [s["text"] for s in right if s["mark"] == "ins"] == ["blanc", "bien"]
