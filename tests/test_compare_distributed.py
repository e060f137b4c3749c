"""The dask engine (a two-worker LocalCluster, threads) gives exactly the local path's results."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from compare import distributed, pipeline, stories
from corpus import db as dbmod
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR
from tests.test_compare_stories import synthetic
from web.cli import main


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
            Client(lc) as client:
        yield lc, client


def _demo_db(path):
    db = dbmod.connect(path)
    assert not ingest(db, [str(DEMO_DIR)]).errors
    return db


def test_run_compare_on_the_cluster_equals_the_local_run(cluster, tmp_path, fake_encoder):
    _, client = cluster
    local_db, dask_db = _demo_db(tmp_path / "local.db"), _demo_db(tmp_path / "dask.db")
    ids = [r["id"] for r in local_db.query("SELECT id FROM articles ORDER BY id")]
    local = pipeline.run_compare(local_db, ids, fake_encoder)
    remote = pipeline.run_compare(dask_db, ids, fake_encoder, engine=distributed.DaskEngine(client=client))
    assert local["alignments"] and local["stories"]
    assert remote == local
    stored = "SELECT text_hash, model, vector FROM embeddings ORDER BY text_hash, model"
    assert list(dask_db.execute(stored)) == list(local_db.execute(stored))


def test_block_edges_on_the_cluster_equal_neighbour_edges(cluster, monkeypatch):
    _, client = cluster
    monkeypatch.setattr(distributed, "EDGE_BLOCK", 7)  # several tasks for 60 rows
    vecs, _ = synthetic(15, 4)
    engine = distributed.DaskEngine(client=client)
    assert engine.edges(vecs, 5, 0.8) == stories.neighbour_edges(vecs, 5, 0.8)


def test_dask_encoder_returns_the_local_vectors_in_order(cluster, fake_encoder):
    _, client = cluster
    texts = [f"Phrase numéro {i}." for i in range(10)]
    remote = distributed.DaskEncoder(client, fake_encoder, chunk=3)
    assert remote.model_id == fake_encoder.model_id
    assert np.array_equal(remote.encode(texts), fake_encoder.encode(texts))


@pytest.mark.slow
def test_analyze_with_the_dask_engine_writes_the_local_document(cluster, tmp_path, monkeypatch):
    lc, _ = cluster
    monkeypatch.setenv("PRESSLENS_MODEL", "use")
    runner = CliRunner()
    outs = []
    for extra in ([], ["--engine", "dask", "--scheduler", lc.scheduler_address]):
        result = runner.invoke(main, ["analyze", str(DEMO_DIR), "--json", "-", *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outs.append(json.loads(result.stdout))
    assert outs[0]["alignments"] and outs[1] == outs[0]


def test_analyze_with_the_dask_engine_and_no_scheduler_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv(distributed.SCHEDULER_ENV, raising=False)
    (tmp_path / "a.txt").write_text("Une phrase.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(tmp_path / "a.txt"), "--json", "-", "--engine", "dask"])
    assert result.exit_code != 0
    assert "--engine dask needs --scheduler ADDRESS" in result.output
