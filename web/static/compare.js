/* Compare page. Every column shows its article whole, in its own order, in its own scroll pane;
 * the alignment is drawn as bands in the SVG gutters between neighbouring panes (crossing where
 * an outlet reordered, fanning out for one-to-many), the way Meld draws bands between files.
 * Focusing a passage (hover, click, n / p) lights its links and scrolls its counterparts into
 * view; click or Enter opens the word diff in a panel the columns make room for. Layers are
 * classes on #compare-grid, kept in the URL (?layers=...) so a view can be shared.
 * Article text is hostile: everything is built with createElement / textContent. */
"use strict";

(function () {
  const grid = document.getElementById("compare-grid");
  const area = document.getElementById("compare-area");
  const panel = document.getElementById("diff-panel");
  if (!grid) return;
  const { api, el, clear, msg } = PL;
  const SVG = "http://www.w3.org/2000/svg";
  const narrow = window.matchMedia("(max-width: 760px)");
  const alignments = JSON.parse((document.getElementById("alignments") || {}).textContent || "[]");
  const passages = new Map([...grid.querySelectorAll("[data-passage-id]")].map((n) => [n.dataset.passageId, n]));
  const bodies = new Map([...grid.querySelectorAll(".pane")].map((p) => [p.dataset.articleId, p.querySelector("[data-pane-body]")]));
  const linksOf = new Map();
  alignments.forEach((al, i) => {
    for (const [x, y] of [[al.a, al.b], [al.b, al.a]]) {
      if (!linksOf.has(x)) linksOf.set(x, []);
      linksOf.get(x).push({ pid: y, index: i });
    }
  });
  let litLinks = new Set();   // indexes of alignments drawn highlighted
  let focused = null;

  /* ---- bands in the gutters ------------------------------------------------------------- */
  function bandPath(w, a0, a1, b0, b1) {
    const m = w / 2;
    return `M0,${a0} C${m},${a0} ${m},${b0} ${w},${b0} L${w},${b1} C${m},${b1} ${m},${a1} 0,${a1} Z`;
  }

  function drawGutter(svg) {
    const left = bodies.get(svg.dataset.left), right = bodies.get(svg.dataset.right);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!left || !right) return;
    const box = svg.getBoundingClientRect();
    const lb = left.getBoundingClientRect(), rb = right.getBoundingClientRect();
    const clamp = (y, r) => Math.min(Math.max(y, r.top), r.bottom) - box.top;
    alignments.forEach((al, i) => {
      const pa = passages.get(al.a), pb = passages.get(al.b);
      if (!pa || !pb || pa.dataset.articleId !== svg.dataset.left || pb.dataset.articleId !== svg.dataset.right) return;
      const ra = pa.getBoundingClientRect(), rr = pb.getBoundingClientRect();
      const offA = ra.bottom < lb.top || ra.top > lb.bottom, offB = rr.bottom < rb.top || rr.top > rb.bottom;
      if (offA && offB) return;
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", bandPath(box.width, clamp(ra.top, lb), clamp(ra.bottom, lb), clamp(rr.top, rb), clamp(rr.bottom, rb)));
      path.setAttribute("class", "band k-" + al.kind + (litLinks.has(i) ? " lit" : ""));
      svg.appendChild(path);
    });
  }

  let drawPending = false;
  function redraw() {
    if (drawPending) return;
    drawPending = true;
    window.requestAnimationFrame(() => {
      drawPending = false;
      if (!narrow.matches) grid.querySelectorAll("svg.gutter").forEach(drawGutter);
    });
  }

  /* ---- focus: light the links, bring counterparts into view ------------------------------ */
  function counterparts(pid) {
    return (linksOf.get(pid) || []).map((l) => passages.get(l.pid)).filter(Boolean);
  }

  /* The scroll event this causes is ours, not the reader's: it is recognised by the position it
     lands on (not by a time window, which a busy machine can overrun) and never synced from. */
  function scrollBody(body, by) {
    body.scrollTop += by;
    body._programmaticTop = body.scrollTop;
  }

  function isOwnScroll(body) {
    if (body._programmaticTop === undefined) return false;
    if (Math.abs(body.scrollTop - body._programmaticTop) < 1) return true;
    body._programmaticTop = undefined;  // the reader has scrolled since
    return false;
  }

  /* Align `other` with `anchor` (same height on screen), or only make it visible. */
  function bringIntoView(other, anchor, align) {
    if (narrow.matches) return;
    const body = other.closest("[data-pane-body]");
    const r = other.getBoundingClientRect(), b = body.getBoundingClientRect();
    if (align && anchor) scrollBody(body, r.top - anchor.getBoundingClientRect().top);
    else if (r.top < b.top || r.bottom > b.bottom) scrollBody(body, r.top - b.top - b.height / 3);
  }

  function centreInPane(passage) {
    if (narrow.matches) { passage.scrollIntoView({ block: "center" }); return; }
    const body = passage.closest("[data-pane-body]");
    const r = passage.getBoundingClientRect(), b = body.getBoundingClientRect();
    scrollBody(body, r.top - b.top - b.height / 3);
  }

  function setLit(pid, indexes) {
    grid.querySelectorAll(".passage.lit, .passage.focused").forEach((n) => n.classList.remove("lit", "focused"));
    litLinks = new Set(indexes);
    const p = passages.get(pid);
    if (p) p.classList.add("focused");
    for (const i of litLinks) {
      for (const x of [alignments[i].a, alignments[i].b]) if (x !== pid && passages.get(x)) passages.get(x).classList.add("lit");
    }
  }

  function focusPassage(passage, align, only) {
    const pid = passage.dataset.passageId;
    focused = passage;
    const links = linksOf.get(pid) || [];
    const chosen = only === undefined ? links : links.filter((l) => l.index === only);
    setLit(pid, chosen.map((l) => l.index));
    const seen = new Set();
    for (const l of chosen) {
      const other = passages.get(l.pid);
      const body = other && other.closest("[data-pane-body]");
      if (!other || seen.has(body)) continue;  // one-to-many: the first of each column leads
      seen.add(body);
      bringIntoView(other, passage, align);
    }
    showCounterparts(passage, chosen.map((l) => passages.get(l.pid)).filter(Boolean));
    redraw();
  }

  /* Narrow screens: the counterparts' text right under the focused passage. */
  function showCounterparts(passage, others) {
    grid.querySelectorAll(".counterparts").forEach((n) => n.remove());
    if (!narrow.matches || !others.length) return;
    const box = el("div", { className: "counterparts", attrs: { role: "note" } }, el("h4", {}, msg("compare.counterparts")));
    for (const o of others) {
      const pane = o.closest(".pane");
      const outlet = pane.querySelector(".colhead .outlet").textContent;
      box.appendChild(el("p", {}, el("strong", {}, outlet + " ¶" + (Number(o.dataset.seq) + 1) + " "), textOf(o)));
    }
    passage.after(box);
  }

  function textOf(passage) {
    const copy = passage.cloneNode(true);
    copy.querySelectorAll(".seq, .badge").forEach((n) => n.remove());
    return copy.textContent;
  }

  let hoverTimer = null;
  grid.addEventListener("mouseover", (event) => {
    const passage = event.target.closest && event.target.closest(".passage.linked");
    if (!passage || passage === focused) return;
    window.clearTimeout(hoverTimer);
    hoverTimer = window.setTimeout(() => focusPassage(passage, false), 180);  // no jumping while the mouse crosses
  });
  grid.addEventListener("mouseout", () => window.clearTimeout(hoverTimer));
  grid.addEventListener("focusin", (event) => {
    const passage = event.target.closest && event.target.closest(".passage.linked");
    if (passage && passage !== focused) focusPassage(passage, false);
  });

  /* ---- synchronised scrolling: a user scroll in one pane lines the others up ------------- */
  const sync = document.getElementById("sync-scroll");
  let syncTimer = null;
  grid.addEventListener("scroll", (event) => {
    redraw();
    const body = event.target;
    if (!body.dataset || !("paneBody" in body.dataset) || isOwnScroll(body)) return;
    if (!sync || !sync.checked) return;
    window.clearTimeout(syncTimer);
    syncTimer = window.setTimeout(() => syncFrom(body), 120);
  }, true);

  function syncFrom(body) {
    const b = body.getBoundingClientRect(), line = b.top + b.height / 3;
    let best = null, bestDist = Infinity;
    for (const p of body.querySelectorAll(".passage.linked")) {
      const r = p.getBoundingClientRect();
      if (r.bottom < b.top || r.top > b.bottom) continue;
      const d = Math.abs((r.top + r.bottom) / 2 - line);
      if (d < bestDist) { best = p; bestDist = d; }
    }
    if (!best) return;
    const seen = new Set([body]);
    for (const other of counterparts(best.dataset.passageId)) {
      const ob = other.closest("[data-pane-body]");
      if (seen.has(ob)) continue;
      seen.add(ob);
      bringIntoView(other, best, true);
    }
    redraw();
  }

  window.addEventListener("resize", redraw);
  narrow.addEventListener("change", () => { redraw(); placePanel(); });

  /* ---- n / p: step through the alignments ------------------------------------------------ */
  const status = document.getElementById("pair-status");
  let stepped = -1;

  function visibleAlignment(i) {
    return grid.classList.contains("show-" + alignments[i].kind);
  }

  function step(delta) {
    if (!alignments.length) return;
    let next = stepped < 0 ? (delta > 0 ? 0 : alignments.length - 1) : stepped + delta;
    while (next >= 0 && next < alignments.length && !visibleAlignment(next)) next += delta;
    if (next < 0 || next >= alignments.length) return;
    stepped = next;
    const al = alignments[next];
    const passage = passages.get(al.a);
    centreInPane(passage);
    passage.focus({ preventScroll: true });
    focusPassage(passage, true, next);
    if (status) status.textContent = msg("pair.position").replace("{i}", String(next + 1)).replace("{n}", String(alignments.length));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "n") { event.preventDefault(); step(1); }
    else if (event.key === "p") { event.preventDefault(); step(-1); }
    else if (event.key === "Escape") hideDiff();
  });
  const nextBtn = document.getElementById("next-pair"), prevBtn = document.getElementById("prev-pair");
  if (nextBtn) nextBtn.addEventListener("click", () => step(1));
  if (prevBtn) prevBtn.addEventListener("click", () => step(-1));

  /* ---- layers ---------------------------------------------------------------------------- */
  const legend = document.getElementById("label-legend");
  function applyLayers() {
    const on = [];
    document.querySelectorAll("input[data-layer]").forEach((box) => {
      grid.classList.toggle("show-" + box.dataset.layer, box.checked);
      if (box.checked) on.push(box.dataset.layer);
    });
    if (legend) legend.classList.toggle("quiet", !on.includes("labels") && !on.includes("suggestions"));
    const url = new URL(window.location.href);
    url.searchParams.set("layers", on.join(","));
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    redraw();
  }
  document.querySelectorAll("input[data-layer]").forEach((box) => box.addEventListener("change", applyLayers));

  /* ---- word diff ------------------------------------------------------------------------- */
  function renderSide(title, segments) {
    const box = el("div", { className: "side" }, el("h4", {}, title));
    for (const seg of segments) box.appendChild(seg.mark ? el(seg.mark, {}, seg.text) : document.createTextNode(seg.text));
    return box;
  }

  function headLine(result) {
    const kinds = (result.kinds || []).map((k) => msg("kind." + k)).join(", ");
    const scores = (result.scores || []).map((s) => Number(s).toFixed(2)).join(", ");
    return el("p", { className: "muted" }, [kinds, scores ? msg("diff.score") + " " + scores : "",
      result.combined ? msg("diff.combined") : ""].filter(Boolean).join(" · "));
  }

  function tokenList(title, tokens) {
    const list = el("ul", { className: "carried" });
    for (const t of tokens) list.appendChild(el("li", {}, el("span", { className: "tok" }, t)));
    return el("div", {}, el("h4", {}, title), tokens.length ? list : el("p", { className: "muted" }, "—"));
  }

  function renderResult(result) {
    const box = el("div", { className: "diff-result" }, headLine(result));
    if (result.cross_language) {
      box.appendChild(el("p", {}, msg("diff.cross").replace("{a}", result.a.lang || "?").replace("{b}", result.b.lang || "?")));
      box.appendChild(tokenList(msg("diff.carried"), result.carried.kept));
      box.appendChild(tokenList(msg("diff.lost").replace("{outlet}", result.b.outlet || ""), result.carried.lost));
      box.appendChild(tokenList(msg("diff.gained").replace("{outlet}", result.b.outlet || ""), result.carried.gained));
      return box;
    }
    box.appendChild(el("div", { className: "pair" },
      renderSide(result.a.outlet || result.a.article_id, result.a.segments),
      renderSide(result.b.outlet || result.b.article_id, result.b.segments)));
    return box;
  }

  function placePanel(anchor) {
    if (!panel) return;
    area.classList.toggle("with-panel", !panel.hidden && !narrow.matches);
    if (narrow.matches && anchor) anchor.after(panel);
    else if (panel.parentNode !== area) area.appendChild(panel);
    redraw();
  }

  async function showDiff(passage) {
    if (!panel) return;
    const pid = passage.dataset.passageId;
    const byArticle = new Map();
    for (const other of counterparts(pid)) {
      const aid = other.dataset.articleId;
      if (!byArticle.has(aid)) byArticle.set(aid, []);
      byArticle.get(aid).push(other);
    }
    clear(panel);
    const close = el("button", { type: "button", className: "close" }, msg("diff.close"));
    close.addEventListener("click", hideDiff);
    panel.appendChild(el("header", {}, el("strong", {}, msg("diff.title") + " · ¶" + (Number(passage.dataset.seq) + 1)), close));
    const body = el("div", { className: "diff-body" }, el("p", { className: "muted" }, msg("diff.loading")));
    panel.appendChild(body);
    panel.hidden = false;
    placePanel(passage);
    try {
      // one-to-many: the counterparts in one article are diffed as one combined text, in their order
      const results = await Promise.all([...byArticle.values()].map((group) => {
        const ids = group.sort((x, y) => Number(x.dataset.seq) - Number(y.dataset.seq)).map((o) => o.dataset.passageId);
        return api("GET", "/api/diff?a=" + encodeURIComponent(pid) + "&b=" + encodeURIComponent(ids.join(",")));
      }));
      clear(body);
      if (!results.length) body.appendChild(el("p", {}, msg("diff.none")));
      for (const r of results) body.appendChild(renderResult(r));
    } catch (err) {
      clear(body);
      body.appendChild(el("p", { className: "status-line error" }, err.message));
    }
    redraw();
  }

  function hideDiff() {
    if (!panel || panel.hidden) return;
    panel.hidden = true;
    placePanel();
  }

  grid.addEventListener("click", (event) => {
    if (window.getSelection && String(window.getSelection()).length > 0) return;  // selecting text
    const passage = event.target.closest(".passage.linked");
    if (!passage) return;
    focusPassage(passage, true);
    showDiff(passage);
  });
  grid.addEventListener("keydown", (event) => {
    const passage = event.target.closest && event.target.closest(".passage.linked");
    if (passage && event.key === "Enter") { event.preventDefault(); focusPassage(passage, true); showDiff(passage); }
  });

  redraw();
})();
