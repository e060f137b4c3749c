"""A database file is data from someone else: nothing stored in it is ever executed.

The stored classifier is plain arrays read with allow_pickle=False; a pickled (old or crafted)
model is refused with a message to retrain, and cached vectors are read as raw floats only.
"""
from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from annotate.labels import suggestions as sstore
from annotate.models import classifier
from annotate.models.training import train_model
from compare import vector_store
from corpus import db as dbmod
from tests.factories import make_article
from web.cli import main as cli

ARTICLE = "\n".join([
    "Le ministère de l’intérieur a acquis un logiciel d’analyse d’images en 2015.",
    "« N’importe quel policier peut demander à recourir à Briefcam », assure notre interlocuteur.",
    "D’après des documents internes obtenus par Disclose, la police utilise ce logiciel depuis 2015.",
    "En somme, la police traque la population en toute impunité.",
    "Selon le directeur des ventes, plus d’une centaine de villes ont équipé leur police municipale.",
    "Un outil ultra-intrusif que les services connaissent bien.",
])


class CreatesFile:
    """Unpickling this calls open(path, "w"): the file appearing would prove code ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def crafted_database(path: Path, marker: Path) -> None:
    """A real presslens database whose project-less classifier row is a malicious pickle."""
    db = dbmod.connect(path)
    make_article(db, ARTICLE, passages="lines")
    sstore.save_classifier(db, None, "logreg+rules", {}, {}, pickle.dumps(CreatesFile(marker)))
    db.conn.close()


def test_a_restored_database_with_a_pickled_classifier_runs_nothing_and_asks_to_retrain(tmp_path):
    marker, shared, live = tmp_path / "pwned", tmp_path / "from-a-colleague.db", tmp_path / "live.db"
    crafted_database(shared, marker)
    runner = CliRunner()
    res = runner.invoke(cli, ["restore", str(shared), "--db", str(live)])
    assert res.exit_code == 0, res.output

    for command in (["annotate", "suggest"], ["annotate", "queue"]):
        res = runner.invoke(cli, [*command, "--db", str(live)])
        assert res.exit_code == 1, res.output
        assert "must be retrained" in res.output and "annotate train" in res.output
        assert "Traceback" not in res.output
    assert not marker.exists()

    res = runner.invoke(cli, ["annotate", "train", "--db", str(live), "--no-embeddings", "--json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["annotate", "suggest", "--db", str(live)])
    assert res.exit_code == 0 and "decided by model" in res.output
    assert not marker.exists()


def test_a_trained_classifier_is_stored_as_plain_arrays_and_predicts_the_same(db, fake_encoder):
    make_article(db, ARTICLE, passages="lines")
    train_model(db, None, fake_encoder)
    blob = sstore.latest_classifier(db)["blob"]
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        assert sorted(archive.namelist()) == ["classes.npy", "coef.npy", "intercept.npy", "meta.npy"]
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:  # would raise on any object array
        assert {npz[name].dtype.kind for name in npz.files} <= {"f", "U"}
    rng = np.random.default_rng(0)
    model = classifier.train(rng.random((12, 16)), rng.random((12, 8)), ["quotation", "sourced_fact",
                             "editorial_framing"] * 4, [1.0] * 12, "enc-id", "enc")
    again = classifier.loads(classifier.dumps(model))
    feats, vecs = rng.random((5, 16)), rng.random((5, 8))
    assert np.array_equal(model.predict_proba(feats, vecs), again.predict_proba(feats, vecs))
    assert (again.encoder_id, again.encoder_name) == ("enc-id", "enc")


def _npz(**arrays) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def _good_arrays() -> dict:
    rng = np.random.default_rng(1)
    model = classifier.train(rng.random((8, 16)), None, ["quotation", "sourced_fact"] * 4, [1.0] * 8)
    with np.load(io.BytesIO(classifier.dumps(model)), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


@pytest.mark.parametrize("change", [
    {"coef": np.array([object()], dtype=object)},
    {"classes": np.array(["quotation", "rm -rf"])},
    {"coef": np.full((1, 16), np.nan, dtype=np.float32)},
    {"coef": np.zeros((3, 16), dtype=np.float32)},
    {"meta": np.asarray(json.dumps({"format": "sklearn-pickle", "version": 1}))},
    {"extra": np.zeros(2)},
])
def test_anything_but_the_expected_plain_arrays_is_refused(change):
    arrays = {**_good_arrays(), **change}
    with pytest.raises(classifier.UnsafeModel, match="must be retrained"):
        classifier.loads(_npz(**arrays))


@pytest.mark.parametrize("blob", [b"", b"PK\x03\x04 not a zip", b"\x80\x04N.", "text, not bytes"])
def test_truncated_or_foreign_blobs_are_refused_not_crashed_on(blob):
    with pytest.raises(classifier.UnsafeModel):
        classifier.loads(blob)


def test_cached_vector_rows_of_the_wrong_type_size_or_value_are_re_embedded_not_used(db):
    good = np.ones(4, dtype="<f4") / 2
    rows = {"good": good.tobytes(), "text": "AAAAAAAAAAAAAAAA", "short": good.tobytes()[:12],
            "nan": np.array([np.nan, 0, 0, 0], dtype="<f4").tobytes()}
    for key, blob in rows.items():
        db.table("embeddings").insert({"text_hash": key, "model": "m", "dim": 4, "vector": blob})
    found = vector_store.cached_vectors(db, "m", list(rows))
    assert list(found) == ["good"] and np.array_equal(found["good"], good)


def test_an_encoder_name_read_from_the_database_is_loaded_only_when_it_is_a_bundled_model(db, tmp_path, monkeypatch):
    """A crafted row naming a folder must not make presslens load whatever sits in that folder."""
    from annotate import suggest
    from compare import embed

    asked: list[str] = []
    monkeypatch.setattr(embed, "get_encoder", lambda name=None: asked.append(name))
    rng = np.random.default_rng(2)
    model = classifier.train(rng.random((8, 16)), rng.random((8, 8)), ["quotation", "sourced_fact"] * 4,
                             [1.0] * 8, "some-id", str(tmp_path / "planted-model"))
    sstore.save_classifier(db, None, "logreg+rules", {}, {}, classifier.dumps(model))
    assert suggest.load_model(db) == (None, None)  # the rules decide
    assert asked == []
