"""Word-level diffs between aligned passages: ops, offsets relative to each passage."""
from compare.diff import equal_chars, tokenize, word_diff


def test_replaced_word_is_one_replace_op_with_offsets_into_each_passage():
    a = "La police nationale utilise secrètement un logiciel"
    b = "La police nationale utilise illégalement un logiciel"
    ops = word_diff(a, b)
    [rep] = [op for op in ops if op["op"] != "equal"]
    assert rep["op"] == "replace"
    assert rep["a_text"] == "secrètement" and a[rep["a"][0]:rep["a"][1]] == "secrètement"
    assert rep["b_text"] == "illégalement" and b[rep["b"][0]:rep["b"][1]] == "illégalement"


def test_inserted_bracket_is_an_insert_op_at_its_position():
    a = "En 2015, les forces de l’ordre ont acquis un logiciel."
    b = "En 2015, [donc avant l’ère Macron !] les forces de l’ordre ont acquis un logiciel."
    ops = word_diff(a, b)
    [ins] = [op for op in ops if op["op"] != "equal"]
    assert ins["op"] == "insert"
    assert ins["b_text"] == "[donc avant l’ère Macron !]"
    assert ins["a"][0] == ins["a"][1] == a.index("les")  # empty range where the insertion goes


def test_deleted_words_are_a_delete_op():
    ops = word_diff("the lanes would make the street safer for everyone", "the lanes would make the street safer")
    [dele] = [op for op in ops if op["op"] != "equal"]
    assert dele["op"] == "delete" and dele["a_text"] == "for everyone" and dele["b_text"] == ""


def test_typographic_apostrophes_do_not_count_as_changes():
    ops = word_diff("l’ère Macron", "l'ère Macron")
    assert [op["op"] for op in ops] == ["equal"]
    assert equal_chars(ops) == len("l’ère Macron")


def test_identical_and_empty_texts():
    assert [op["op"] for op in word_diff("Même texte.", "Même texte.")] == ["equal"]
    assert word_diff("", "") == []
    [ins] = word_diff("", "nouveau texte")
    assert ins["op"] == "insert" and ins["a"] == [0, 0] and ins["b_text"] == "nouveau texte"


def test_tokens_keep_inner_apostrophes_and_split_punctuation():
    assert [t for t, _, _ in tokenize("Aujourd’hui, l'État « agit » (…)")] == [
        "Aujourd’hui", ",", "l'État", "«", "agit", "»", "(", "…", ")"]
