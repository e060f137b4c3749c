"""The compare page: 2-5 articles of a story side by side, each column whole and in its own
reading order, with the alignment drawn between the columns (compare.js) and reader-controlled
layers (alignment kinds, "only here", labels, suggestions) kept in the URL."""
from __future__ import annotations

import re
from html import escape as _html_escape

from flask import Blueprint, Response, abort, g, render_template, request
from markupsafe import Markup

from web import compare_view, data
from web.access import check_story, project_access
from web.auth import login_required
from web.db import get_db
from web.i18n import localized_scheme, translate

bp = Blueprint("compare", __name__)

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def project_arg() -> int | None:
    raw = request.args.get("project", "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(400, description="project must be a number")
    return int(raw)


def chosen_articles(story: dict) -> list[str]:
    """The columns to show: `?articles=id,id` (subset of the story), else the first five."""
    ids = story["article_ids"]
    wanted = [a for a in request.args.get("articles", "").split(",") if a]
    if wanted:
        unknown = [a for a in wanted if a not in ids]
        if unknown:
            abort(404, description=f"article {unknown[0]} is not part of this story")
        ids = wanted
    return ids[: data.MAX_COLUMNS]


LAYERS = ("verbatim", "quoted", "paraphrase", "partial", "only", "labels", "suggestions")
# The compare page's job is the alignment: labels belong to the annotate view, so they are off
# until the reader (or a shared URL) turns them on.
DEFAULT_LAYERS = ("verbatim", "quoted", "paraphrase", "partial")


def chosen_layers(raw: str | None) -> list[str]:
    """Layers shown: `?layers=a,b` (unknown names ignored; `?layers=` shows none), else the default."""
    if raw is None:
        return list(DEFAULT_LAYERS)
    return [name for name in LAYERS if name in raw.split(",")]


def compare_model(db, story_id: int, project_id: int | None) -> dict:
    """Everything the compare template needs, after the access check."""
    access = check_story(db, g.user, story_id, project_id)
    story = data.get_story(db, story_id)
    if story is None:
        abort(404, description=f"story {story_id} not found")
    return {**story_columns(db, story, project_id, access, g.user.id), "project_id": project_id,
            "access": access, "layers": chosen_layers(request.args.get("layers"))}


def story_columns(db, story: dict, project_id: int | None, access, user_id: int | None) -> dict:
    """Columns (each article whole, in its own order), per-passage views and the alignments."""
    articles = [a for a in (data.article_with_passages(db, aid) for aid in chosen_articles(story)) if a]
    story = {**story, "title": story.get("title") or data.fallback_title(articles)}
    visible = {p["id"] for a in articles for p in a["passages"] if p.get("content", 1)}
    alignments = [al for al in data.story_alignments(db, story["id"], with_diff=False)
                  if al["a"] in visible and al["b"] in visible]
    labels = data.visible_labels(db, [a["id"] for a in articles], project_id, user_id,
                                 access.sees_all_labels if access else True) if user_id is not None else []
    scheme = localized_scheme(db, project_id)
    links = compare_view.links(alignments, visible)
    additions = {pid for pid in visible if pid not in links} if alignments else set()
    for article in articles:
        article["content"] = [p for p in article["passages"] if p.get("content", 1)]
        article["furniture"] = [p for p in article["passages"] if not p.get("content", 1)]
    return {"story": story, "articles": articles, "aligned": bool(alignments), "scheme": scheme,
            "views": passage_views(articles, links, additions, _by_passage(labels), scheme),
            "alignments": compare_view.alignment_list(articles, alignments)}


def shown_span(spans: list[dict]) -> dict:
    """The label whose underline a segment shows: a person's before a suggestion, then the
    narrowest. A loaded word or a quote inside a passage-wide label is the more specific claim;
    showing the passage label there hid every span suggestion inside it (annotate.js does the same)."""
    return min(spans, key=lambda s: (s["source"] != "human", s["end"] - s["start"]))


def span_view(seg: dict, slot: dict[str, int], titles: dict[str, str], sources: dict[str, str]) -> dict:
    """One label segment: text, CSS classes (slot = underline style, source = weight), tooltip."""
    if not seg["spans"]:
        return {"text": seg["text"], "cls": "", "title": ""}
    top = shown_span(seg["spans"])
    tips = []
    for s in seg["spans"]:
        tip = titles.get(s["label"], s["label"])
        if s["source"] != "human":
            prob = f" {s['prob'] * 100:.0f}%" if s["prob"] is not None else ""
            tip += f" ({sources.get(s['source'], s['source'])}{prob})"
        tips.append(tip + (f" — {s['speaker_text']}" if s.get("speaker_text") else ""))
    cls = f"lab lb-{slot.get(top['label'], 5)} src-{top['source']}"
    return {"text": seg["text"], "cls": cls, "title": "; ".join(tips)}


def passage_views(articles: list[dict], links: dict, additions: set, labels: dict, scheme) -> dict[str, dict]:
    """Per content passage, everything its column shows, computed once in Python, including its
    ready HTML (`html`, every piece escaped): a story has hundreds of passages, and attribute
    lookups in a template loop were most of the page's time."""
    kind_names = {k: translate("kind." + k) for k in (*compare_view.KIND_ORDER, "added")}
    slot, titles = {d.name: i for i, d in enumerate(scheme)}, {d.name: d.title for d in scheme}
    sources = {s: translate("source." + s) for s in ("model", "rule", "propagated", "human")}
    out = {}
    for article in articles:
        for p in article["passages"]:
            if not p.get("content", 1):
                continue
            plinks = links.get(p["id"], [])
            kind = compare_view.strongest([l["kind"] for l in plinks])
            view = {
                "kind": kind, "added": p["id"] in additions,
                "links": " ".join(l["pid"] for l in plinks),
                "title": " · ".join([kind_names.get(kind, kind or "")] + [f"{l['score'] or 0:.2f}" for l in plinks])
                if kind else "",
                "badge": kind_names["added"] if p["id"] in additions else "",
                "segments": [span_view(seg, slot, titles, sources)
                             for seg in compare_view.label_segments(p, labels.get(p["id"], []))],
            }
            view["html"] = passage_html(p, article["id"], view)
            out[p["id"]] = view
    return out


def esc(text: str) -> str:
    """Escape like markupsafe (&, <, >, ", ' -> &#39;) at C speed: hundreds of passages a page."""
    return _html_escape(text, quote=True).replace("&#x27;", "&#39;")


def passage_html(p: dict, article_id: str, v: dict) -> Markup:
    """One passage of a column; article text is hostile: every text and attribute is escaped."""
    cls = "passage" + (f" k-{v['kind']} linked" if v["kind"] else "") + (" added" if v["added"] else "")
    pid = esc(p["id"])
    head = (f'<div class="{esc(cls)}" id="p-{pid}" data-passage-id="{pid}" data-pid="{pid}" '
            f'data-article-id="{esc(article_id)}" data-seq="{int(p["seq"])}" data-links="{esc(v["links"])}" '
            f'tabindex="0" title="{esc(v["title"])}">')
    badge = f'<span class="badge">{esc(v["badge"])}</span>' if v["badge"] else ""
    body = "".join(f'<span class="{esc(s["cls"])}" title="{esc(s["title"])}">{esc(s["text"])}</span>'
                   if s["cls"] else esc(s["text"]) for s in v["segments"])
    return Markup(f'{head}{badge}<span class="seq">¶{int(p["seq"]) + 1}</span>{body}</div>')


def _by_passage(labels: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for label in labels:
        out.setdefault(label["passage_id"], []).append(label)
    return out


@bp.get("/stories/<int:story_id>")
@login_required
def story(story_id: int):
    model = compare_model(get_db(), story_id, project_arg())
    return render_template("compare.html", **model)


@bp.get("/labels.css")
@login_required
def labels_css():
    """Per-scheme label colours as a stylesheet (CSP forbids inline styles)."""
    project_id = project_arg()
    if project_id is not None:
        project_access(get_db(), g.user, project_id)
    scheme = localized_scheme(get_db(), project_id)
    return Response(scheme_css(scheme), mimetype="text/css", headers={"Cache-Control": "private, max-age=60"})


def scheme_css(scheme) -> str:
    """`.lb-N` colour rules for a scheme; colours are re-validated so nothing can inject CSS."""
    rules = []
    for i, d in enumerate(scheme):
        color = d.color if HEX.match(d.color or "") else "#868e96"
        r, gg, b = (int(color[k:k + 2], 16) for k in (1, 3, 5))
        rules.append(f".lb-{i} {{ text-decoration-color: {color}; }}\n"
                     f".lab.lb-{i}.src-human {{ background-color: rgba({r}, {gg}, {b}, 0.13); }}\n"
                     f".btn-lb-{i} {{ border-color: {color}; }}\n"
                     f".lb-swatch-{i} {{ background-color: {color}; }}")
    return "\n".join(rules) + "\n"
