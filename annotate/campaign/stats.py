"""Statistics per story and per outlet: label shares, additions, who is quoted, changed quotes.

Basis: a passage's class comes from its human labels when it has any (majority over annotators,
all projects), else from machine suggestions (model, rule, propagated; the longest / most
probable one). Each outlet entry says how many passages rested on each basis. Additions are
content passages with no alignment in the story's latest alignment run.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import sqlite_utils

from annotate import aligned
from annotate.campaign import agreement, speaker_names
from annotate.labels import store
from annotate.labels.schemes import is_whole
from compare import kinds
from compare.pipeline import additions_of
from corpus import store as corpus_store


def normalise_speaker(name: str) -> str:
    """Comparison form of a speaker mention: NFKC, whitespace collapsed, quotes/punctuation trimmed, casefolded."""
    return speaker_names.normalise(name)


def entropy(counts: Counter) -> float:
    """Shannon entropy in bits of a count distribution (0 for one source)."""
    total = sum(counts.values())
    value = -sum(c / total * math.log2(c / total) for c in counts.values() if c) if total else 0.0
    return max(0.0, value)  # never print -0.0 for a single source


def passage_labels(rows: list[dict], bounds: dict[str, tuple[int, int]]) -> tuple[dict, dict, dict]:
    """({passage: class}, {passage: basis}, {passage: [quotation rows]}) from active label rows."""
    human = [r for r in rows if r["source"] == "human"]
    human_passages = {r["passage_id"] for r in human}
    machine = [r for r in rows if r["source"] != "human" and r["passage_id"] not in human_passages]
    for r in rows:
        r["whole"] = is_whole(r, bounds.get(r["passage_id"]))
    votes: dict[str, Counter] = defaultdict(Counter)
    for (_, pid), label in agreement.passage_classes(
            {**r, "annotator_id": r["annotator_id"] or 0} for r in human).items():
        votes[pid][label] += 1
    classes = {pid: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for pid, c in votes.items()}
    ranked = agreement.passage_classes({**r, "annotator_id": "machine", "id": r["prob"] or 0} for r in machine)
    classes.update({pid: label for (_, pid), label in ranked.items()})
    basis = {pid: "human" if pid in human_passages else "suggestion" for pid in classes}
    quotes = defaultdict(list)
    for r in human + machine:
        if r["label"] == "quotation":
            quotes[r["passage_id"]].append(r)
    for pid, found in quotes.items():
        # A passage's quotations are its quotation spans, in text order; the whole-passage label
        # counts only where no span says more (else one quote counts twice, once with no speaker).
        spans = sorted((r for r in found if not r["whole"]), key=lambda r: r["start"])
        quotes[pid] = spans or found
    return classes, basis, quotes


def shares(passages: list[dict], classes: dict) -> dict:
    """Share of each label by passages and by characters among the labelled passages."""
    by_p, by_c = Counter(), Counter()
    for p in passages:
        if p["id"] in classes:
            by_p[classes[p["id"]]] += 1
            by_c[classes[p["id"]]] += p["end"] - p["start"]
    tp, tc = sum(by_p.values()), sum(by_c.values())
    return {"by_passages": {k: v / tp for k, v in sorted(by_p.items())} if tp else {},
            "by_chars": {k: v / tc for k, v in sorted(by_c.items())} if tc else {},
            "labelled": tp, "chars_labelled": tc}


def quote_change(a: dict, b: dict, a_text: str, b_text: str, kind: str,
                 keys: dict[str, str] | None = None) -> list[str] | None:
    """How a quotation changed between two outlets (None when unchanged). `keys` ({mention:
    speaker key}, `speaker_names.speaker_keys` over the story) lets "Chief executive Maria Olsen"
    and "Olsen" be one speaker; without it mentions compare as normalised text."""
    qa, qb = a_text[a["start"]:a["end"]], b_text[b["start"]:b["end"]]
    changes = []
    sa, sb = a["speaker_text"], b["speaker_text"]
    if speaker_names.names_someone(sa) and speaker_names.names_someone(sb) \
            and speaker_names.key_of(sa, keys) != speaker_names.key_of(sb, keys):
        changes.append("attributed_differently")
    if kinds.normalize(qa) != kinds.normalize(qb):
        cut = kinds.CUT.search(qa) or kinds.CUT.search(qb) or kind == "partial"
        changes.append("cut" if cut else ("edited" if kind in ("verbatim", "quoted") else "paraphrased"))
    return changes or None


def story_stats(db: sqlite_utils.Database, story_id: int, project_id: int | None = None) -> dict:
    """Statistics of one story: per outlet shares and additions, quoted speakers, changed quotes.

    With `project_id`, only that project's human labels count (plus the machine suggestions it
    has not decided); without it, human labels of every project. Who may see what (blind
    projects) is the caller's concern.
    """
    run_id = aligned.latest_run_id(db, story_id)
    aligns = aligned.run_alignments(db, run_id) if run_id is not None else []
    texts, classes, quotes, outlets = {}, {}, {}, []
    for aid in aligned.story_article_ids(db, story_id):
        art = corpus_store.get_article(db, aid)
        passages = corpus_store.get_passages(db, aid, content_only=True)
        bounds = {p["id"]: (p["start"], p["end"]) for p in passages}
        rows = (store.list_labels(db, article_id=aid) if project_id is None
                else store.list_labels(db, project_id=project_id, article_id=aid))
        c, basis, q = passage_labels(rows, bounds)
        texts[aid] = art["text"]
        classes.update(c)
        quotes.update(q)
        outlets.append({
            "article_id": aid, "outlet": art["outlet"], "title": art["title"], "passages": len(passages),
            **shares(passages, c), "basis": dict(Counter(basis.values())),
            "additions": additions_of([p["id"] for p in passages], aligns) if run_id is not None else None,
            "passage_ids": [p["id"] for p in passages],
        })
    keys = speaker_names.speaker_keys(sorted({r["speaker_text"] for rows in quotes.values() for r in rows
                                              if r.get("speaker_text")}))
    for outlet in outlets:  # keys over the whole story: one outlet's "Olsen" is another's "Maria Olsen"
        outlet["speakers"] = _speakers([r for pid in outlet.pop("passage_ids") for r in quotes.get(pid, [])], keys)
    speakers = _speakers([r for rows in quotes.values() for r in rows], keys)
    return {"story_id": story_id, "project_id": project_id, "run_id": run_id, "outlets": outlets, "quoted": speakers,
            "changed_quotes": _changed(aligns, quotes, texts, keys)}


def _speakers(rows: list[dict], keys: dict[str, str] | None = None) -> dict:
    """Who is quoted, how often, and how diverse the sources are; one person under several
    mentions counts once (`keys`, see quote_change), shown as their most frequent mention (the
    longest of equally frequent ones). A speaker that is only a pronoun nobody could resolve
    ("it says") names no one: it counts as unattributed."""
    counts, display = Counter(), {}
    named = [r for r in rows if speaker_names.names_someone(r.get("speaker_text"))]
    for r in named:
        key = speaker_names.key_of(r["speaker_text"], keys)
        counts[key] += 1
        display.setdefault(key, Counter())[r["speaker_text"].strip()] += 1
    shown = {k: speaker_names.shown_name(forms) for k, forms in display.items()}
    return {"speakers": [{"speaker": shown[k], "key": k, "count": n}
                         for k, n in counts.most_common()],
            "quotations": len(rows), "unattributed": len(rows) - len(named),
            "distinct": len(counts), "entropy_bits": round(entropy(counts), 4)}


def _changed(aligns: list[dict], quotes: dict, texts: dict, keys: dict[str, str]) -> list[dict]:
    out = []
    for al in aligns:
        if al["a"] not in quotes or al["b"] not in quotes:
            continue
        ta, tb = texts[al["a_article"]], texts[al["b_article"]]
        for qa, qb in quote_pairs(quotes[al["a"]], quotes[al["b"]], ta, tb):
            change = quote_change(qa, qb, ta, tb, al["kind"], keys)
            if change:
                out.append({"a": al["a"], "b": al["b"], "a_outlet": al["a_outlet"], "b_outlet": al["b_outlet"],
                            "kind": al["kind"], "changes": change,
                            "a_quote": ta[qa["start"]:qa["end"]], "b_quote": tb[qb["start"]:qb["end"]],
                            "a_speaker": qa["speaker_text"], "b_speaker": qb["speaker_text"]})
    return out


# Word overlap (Jaccard of lower-cased words) under which two quotations of aligned passages are
# not the same quote: a judgement, set on our own articles ("the offer was not realistic for most
# families" / "the Carlow offer was "an insult"" share 0.27; two unrelated quotes of one speaker
# share under 0.1).
SAME_QUOTE_OVERLAP = 0.2


def quote_pairs(qa: list[dict], qb: list[dict], a_text: str, b_text: str) -> list[tuple[dict, dict]]:
    """Which quotation of one passage is which of its aligned passage: one each, they are the same
    quote; several, each pairs with the one it shares most words with (greedily, best first, at
    least SAME_QUOTE_OVERLAP), so a passage's second quote is never compared with another's first."""
    if len(qa) == 1 and len(qb) == 1:
        return [(qa[0], qb[0])]
    words = [[set(re.findall(r"\w+", text[q["start"]:q["end"]].lower())) for q in qs]
             for qs, text in ((qa, a_text), (qb, b_text))]
    scored = sorted(((len(x & y) / max(len(x | y), 1), i, j) for i, x in enumerate(words[0])
                     for j, y in enumerate(words[1])), reverse=True)
    pairs, used_a, used_b = [], set(), set()
    for overlap, i, j in scored:
        if overlap >= SAME_QUOTE_OVERLAP and i not in used_a and j not in used_b:
            pairs.append((i, j))
            used_a.add(i)
            used_b.add(j)
    return [(qa[i], qb[j]) for i, j in sorted(pairs)]


def outlet_totals(stories: list[dict]) -> dict:
    """Shares per outlet over all the given stories (weighted by passages and characters)."""
    by_p, by_c = defaultdict(Counter), defaultdict(Counter)
    for story in stories:
        for o in story["outlets"]:
            for label, share in o["by_passages"].items():
                by_p[o["outlet"]][label] += share * o["labelled"]
            for label, share in o["by_chars"].items():
                by_c[o["outlet"]][label] += share * o["chars_labelled"]
    out = {}
    for outlet in sorted(by_p, key=str):
        tp, tc = sum(by_p[outlet].values()), sum(by_c[outlet].values())
        out[outlet] = {"labelled": round(tp), "by_passages": {k: v / tp for k, v in sorted(by_p[outlet].items())},
                       "by_chars": {k: v / tc for k, v in sorted(by_c[outlet].items())} if tc else {}}
    return out


def stats(db: sqlite_utils.Database, story_id: int | None = None, project_id: int | None = None) -> dict:
    """Statistics of one story, or of every story (of the project, with `project_id`) with
    per-outlet totals; with `project_id` only that project's labels count (see story_stats)."""
    if project_id is None:
        ids = aligned.story_ids(db)
    else:
        ids = [s["id"] for s in store.list_stories(db, project_id)]
    if story_id is not None:
        if story_id not in ids:
            where = f" in project {project_id}" if project_id is not None else ""
            raise store.NotFound(f"story {story_id} not found{where}")
        ids = [story_id]
    stories = [story_stats(db, s, project_id) for s in ids]
    return {"basis": "human labels where a passage has any, else machine suggestions",
            "project_id": project_id, "stories": stories, "outlets": outlet_totals(stories)}
