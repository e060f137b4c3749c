"""Agreement coefficients on synthetic annotators, checked against hand values and scikit-learn.

1. The two-annotator case of tests/test_annotate_agreement.py (hand-computed κ and α).
2. Simulated annotators who copy a hidden true label with probability `skill` and otherwise pick
   a label at random: Cohen's κ is compared with sklearn.metrics.cohen_kappa_score, and the
   expected κ for two annotators of equal skill s over 3 balanced labels is s² (chance-corrected
   agreement of the copying part), which the estimate should approach.
3. The full project path (SQLite, annotate.campaign.workflow.project_agreement) on a generated project,
   with its wall time.

Usage: .venv/bin/python bench/agreement_synthetic.py [--items 3000] [--seed 7]   (prints JSON)
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotate.campaign import agreement  # noqa: E402

LABELS = ["sourced_fact", "quotation", "editorial_framing"]
A = list("FFFFQQQEEE")
B = list("FFFQQQEEEF")


def hand_case() -> dict:
    units = {i: {"a": x, "b": y} for i, (x, y) in enumerate(zip(A, B))}
    return {
        "cohen_kappa": agreement.cohen_kappa(A, B), "cohen_kappa_hand": 0.36 / 0.66,
        "fleiss_kappa": agreement.fleiss_kappa(list(zip(A, B))), "fleiss_kappa_hand": 0.36 / 0.66,
        "krippendorff_alpha": agreement.krippendorff_alpha(units), "krippendorff_alpha_hand": 1 - 114 / 264,
        "span_char_f1": agreement.span_f1([(0, 4, "F"), (6, 10, "Q")], [(2, 6, "F"), (6, 8, "Q")])["f1"],
        "span_char_f1_hand": 4 / 7,
    }


def simulate(items: int, skills: list[float], rng: random.Random) -> list[list[str]]:
    truth = [rng.choice(LABELS) for _ in range(items)]
    return [[t if rng.random() < s else rng.choice(LABELS) for t in truth] for s in skills]


def simulated(items: int, rng: random.Random) -> dict:
    from sklearn.metrics import cohen_kappa_score

    raters = simulate(items, [0.8, 0.8, 0.6], rng)
    t0 = time.perf_counter()
    kappa = agreement.cohen_kappa(raters[0], raters[1])
    fleiss = agreement.fleiss_kappa(list(zip(*raters)))
    alpha = agreement.krippendorff_alpha({i: {r: raters[r][i] for r in range(3)} for i in range(items)})
    elapsed = time.perf_counter() - t0
    return {"items": items, "skills": [0.8, 0.8, 0.6], "cohen_kappa_ab": kappa,
            "sklearn_cohen_kappa_ab": float(cohen_kappa_score(raters[0], raters[1])),
            "expected_kappa_ab": 0.8 * 0.8, "fleiss_kappa_abc": fleiss, "krippendorff_alpha_abc": alpha,
            "coefficients_seconds": round(elapsed, 4)}


def project_run(items: int, rng: random.Random) -> dict:
    from corpus import db as dbmod
    from annotate.campaign import workflow as campaign
    from annotate.labels import store
    from tests.factories import make_article, make_project, make_story, make_user, passages_of

    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "bench.db")
        users = [make_user(db, f"u{i}") for i in range(3)]
        text = "".join(f"Passage {i} du corpus synthétique.\n" for i in range(items))
        aid = make_article(db, text, "Synthetic", passages="lines")
        pid = make_project(db, "bench", story_ids=[make_story(db, [aid])],
                           members=[(u, "annotator") for u in users], k=3)
        raters = simulate(items, [0.8, 0.8, 0.6], rng)
        t0 = time.perf_counter()
        for u, labels in zip(users, raters):
            for p, label in zip(passages_of(db, aid), labels):
                store.add_label(db, p["id"], label, annotator_id=u, project_id=pid)
        write_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = campaign.project_agreement(db, pid)
        db.conn.close()
    return {"items": items, "labels_written": 3 * items, "write_seconds": round(write_s, 3),
            "agreement_seconds": round(time.perf_counter() - t0, 3), "overall": report["overall"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--project-items", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(json.dumps({"hand_case": hand_case(), "simulated": simulated(args.items, rng),
                      "project": project_run(args.project_items, rng)}, indent=2))


if __name__ == "__main__":
    main()
