"""The loaded-word tagger's per-text feature table gives the rows it used to build per token."""
import numpy as np

from annotate.models.framing import loaded


def _per_token(known: loaded.KnownWords, texts: list[str]) -> np.ndarray:
    return np.array([(t[:1].isupper(), t.isupper() and len(t) > 1, "-" in t, len(t) >= 7,
                      *known.word_features(t.lower())) for t in texts], dtype=np.float32)


def _known() -> loaded.KnownWords:
    return loaded.KnownWords({"radical": (5, 1), "the": (0, 90), "shameful": (3, 0)}, prior=0.05, smoothing=2.0)


def test_table_rows_equal_the_per_token_rows_for_repeated_and_new_words():
    known = _known()
    first = ["The", "radical", "RADICAL", "e-mail", "Shamefully", "the", "A", "radicals"]
    again = ["radical", "new-comer", "The", "US", "x"]
    assert np.array_equal(known.token_table(first), _per_token(known, first))
    assert np.array_equal(known.token_table(again), _per_token(known, again))
    assert known.token_table(first).dtype == np.float32


def test_table_grows_past_its_first_block_and_keeps_earlier_rows():
    known = _known()
    many = [f"word{i}" for i in range(2500)] + ["Radical"]
    assert np.array_equal(known.token_table(many), _per_token(known, many))
    assert np.array_equal(known.token_table(["word7", "Radical"]), _per_token(known, ["word7", "Radical"]))


def test_table_starts_again_when_full(monkeypatch):
    monkeypatch.setattr(loaded, "MAX_WORD_ROWS", 10)
    known = _known()
    for start in range(0, 40, 8):
        words = [f"w{i}" for i in range(start, start + 8)]
        assert np.array_equal(known.token_table(words), _per_token(known, words))
    assert len(known._token_index) <= 16


def test_blank_words_read_no_english_evidence():
    blank = _known().blank()
    row = blank.token_table(["radical"])[0]
    assert row[5] == 0.0 and not row[9:].any()  # not known, no suffix flags


def test_threads_sharing_the_table_read_their_own_rows():
    from concurrent.futures import ThreadPoolExecutor

    known = _known()
    batches = [[f"t{k}w{i}" for i in range(300)] + ["Radical", "the"] for k in range(16)]
    with ThreadPoolExecutor(8) as pool:
        tables = list(pool.map(known.token_table, batches))
    assert all(np.array_equal(table, _per_token(known, words)) for table, words in zip(tables, batches))
