/* Annotate page: label a selection or the current passage by click or key, undo, accept or
 * reject suggestions. Offsets sent to the server are CODE POINTS into the article text (JS
 * strings are UTF-16, so every offset is converted). Only the passage that changed is redrawn,
 * so a long article stays responsive. No HTML parsing anywhere: article text is hostile. */
"use strict";

(function () {
  const configNode = document.getElementById("annotate-config");
  const article = document.getElementById("article");
  if (!configNode || !article) return;
  const cfg = JSON.parse(configNode.textContent);
  const { api, el, clear, msg, cpLength } = PL;
  const base = "/api/projects/" + cfg.project;
  const slot = new Map(cfg.scheme.map((d, i) => [d.name, i]));
  const title = new Map(cfg.scheme.map((d) => [d.name, d.title]));
  const byKey = new Map(cfg.scheme.filter((d) => d.key).map((d) => [d.key, d.name]));
  const MACHINE = new Set(["model", "rule", "propagated"]);

  /* passages: text as stored (read once from the server-rendered DOM), offsets in code points. */
  const passages = new Map();
  const order = [];
  for (const node of article.querySelectorAll(".passage")) {
    const p = { id: node.dataset.pid, node: node, text: node.textContent,
                start: Number(node.dataset.start), end: Number(node.dataset.end), content: node.dataset.content === "1" };
    passages.set(p.id, p);
    if (p.content) order.push(p);
  }
  const labels = new Map();          // annotation id -> row (visible, not deleted/decided)
  const undoStack = [];
  let current = null;
  let lastSelection = null;
  let speakerSpan = null;            // {start, end, text} picked from the text, else typed text only

  const statusLine = document.getElementById("status");
  function status(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  function isLive(row) {
    return row.status === "active";
  }
  function labelsOf(pid) {
    return [...labels.values()].filter((l) => l.passage_id === pid && isLive(l));
  }

  /* Redraw one passage: cut its text at every label boundary, wrap each piece in a span. */
  function render(pid) {
    const p = passages.get(pid);
    if (!p) return;
    const spans = labelsOf(pid);
    const cuts = new Set([p.start, p.end]);
    for (const s of spans) { cuts.add(Math.max(p.start, s.start)); cuts.add(Math.min(p.end, s.end)); }
    const points = [...cuts].sort((a, b) => a - b);
    const chars = Array.from(p.text);
    clear(p.node);
    for (let i = 0; i + 1 < points.length; i++) {
      const s = points[i], e = points[i + 1];
      const piece = chars.slice(s - p.start, e - p.start).join("");
      const covering = spans.filter((l) => l.start <= s && l.end >= e);
      if (!covering.length) { p.node.appendChild(document.createTextNode(piece)); continue; }
      // A person's label before a suggestion, then the narrowest: a loaded word inside a
      // passage-wide label is the more specific claim (web/views/compare.py shown_span).
      const rank = (l) => [l.source === "human" ? 0 : 1, l.end - l.start];
      const top = covering.reduce((a, b) => {
        const [ra, rb] = [rank(a), rank(b)];
        return rb[0] < ra[0] || (rb[0] === ra[0] && rb[1] < ra[1]) ? b : a;
      });
      const names = covering.map((l) => (title.get(l.label) || l.label) +
        (l.source !== "human" ? " (" + msg("source." + l.source) + (l.prob != null ? " " + Math.round(l.prob * 100) + "%" : "") + ")" : "") +
        (l.speaker_text ? " — " + l.speaker_text : ""));
      p.node.appendChild(el("span", { className: "lab lb-" + (slot.has(top.label) ? slot.get(top.label) : 5) + " src-" + top.source,
                                      title: names.join("; ") }, piece));
    }
    p.node.classList.toggle("done", spans.some((l) => l.source === "human"));
  }

  /* ---- selection → code-point offsets ------------------------------------------------- */
  function pointOffset(p, node, offset) {
    const range = document.createRange();
    range.setStart(p.node, 0);
    range.setEnd(node, offset);
    return cpLength(p.text.slice(0, range.toString().length));
  }

  function readSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const startEl = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    const node = startEl && startEl.closest(".passage");
    const p = node && passages.get(node.dataset.pid);
    if (!p || !p.content || !article.contains(node)) return null;
    let start = pointOffset(p, range.startContainer, range.startOffset);
    let end = p.node.contains(range.endContainer) ? pointOffset(p, range.endContainer, range.endOffset)
                                                   : cpLength(p.text);
    const chars = Array.from(p.text);
    while (start < end && /\s/.test(chars[start])) start++;
    while (end > start && /\s/.test(chars[end - 1])) end--;
    if (end <= start) return null;
    return { passage: p, start: p.start + start, end: p.start + end, text: chars.slice(start, end).join("") };
  }

  function showSelection(sel) {
    const info = document.getElementById("selection-info");
    info.textContent = sel ? "«\u00a0" + sel.text + "\u00a0» [" + sel.start + "–" + sel.end + ")" : msg("no_selection");
  }

  document.addEventListener("selectionchange", () => {
    const sel = readSelection();
    if (sel) { lastSelection = sel; showSelection(sel); setCurrent(sel.passage, false); }
  });

  /* ---- current passage and the side panel ------------------------------------------------ */
  function setCurrent(p, scroll) {
    if (!p || p === current) return;
    if (current) current.node.classList.remove("current");
    current = p;
    p.node.classList.add("current");
    if (scroll) p.node.scrollIntoView({ block: "nearest" });
    renderPanel();
  }

  function move(step) {
    const i = current ? order.indexOf(current) : -1;
    const next = order[Math.min(order.length - 1, Math.max(0, i + step))];
    lastSelection = null;
    window.getSelection().removeAllRanges();
    showSelection(null);
    setCurrent(next, true);
  }

  function labelSelect(selected) {
    const select = el("select", {});
    for (const d of cfg.scheme) select.appendChild(el("option", { value: d.name, selected: d.name === selected }, d.title));
    return select;
  }

  function excerpt(row) {
    const p = passages.get(row.passage_id);
    return p ? Array.from(p.text).slice(row.start - p.start, row.end - p.start).join("") : "";
  }

  function humanItem(row) {
    const mine = row.annotator_id === cfg.user;
    const item = el("li", { dataset: { id: String(row.id) } },
      el("span", { className: "excerpt" }, excerpt(row)));
    const editable = cfg.can_annotate && (mine || cfg.can_curate);
    if (!editable) {
      item.appendChild(el("span", {}, (title.get(row.label) || row.label) + (row.speaker_text ? " — " + row.speaker_text : "")));
      return item;
    }
    const select = labelSelect(row.label);
    const speaker = el("input", { type: "text", value: row.speaker_text || "", placeholder: msg("speaker") });
    const comment = el("input", { type: "text", value: row.comment || "", placeholder: msg("comment") });
    const save = el("button", { type: "button" }, msg("save"));
    const del = el("button", { type: "button", className: "danger" }, msg("delete"));
    save.addEventListener("click", () => update(row.id, { label: select.value, speaker_text: speaker.value || null,
                                                          comment: comment.value || null }));
    del.addEventListener("click", () => remove(row.id));
    item.append(el("div", { className: "row" }, select, save, del), el("div", { className: "row" }, speaker, comment));
    return item;
  }

  function suggestionItem(row) {
    const prob = row.prob != null ? " " + Math.round(row.prob * 100) + "%" : "";
    const item = el("li", { dataset: { id: String(row.id) }, className: "suggestion" },
      el("span", { className: "excerpt" }, excerpt(row)),
      el("span", {}, (title.get(row.label) || row.label) + " · " + msg("source." + row.source) + prob +
                     (row.speaker_text ? " — " + row.speaker_text : "")));
    if (row.model) {  // the rules that agree on this suggestion (annotate.suggest.merge_rows)
      item.appendChild(el("span", { className: "hint reasons" }, msg("reasons") + " " + row.model.split(" + ").join(", ")));
    }
    if (cfg.can_annotate) {
      const accept = el("button", { type: "button", className: "accept" }, msg("accept"));
      const reject = el("button", { type: "button", className: "reject" }, msg("reject"));
      accept.addEventListener("click", () => decide(row.id, "accept"));
      reject.addEventListener("click", () => decide(row.id, "reject"));
      item.appendChild(el("div", { className: "row" }, accept, reject));
    }
    return item;
  }

  function renderPanel() {
    const human = document.getElementById("passage-labels");
    const sugg = document.getElementById("passage-suggestions");
    clear(human); clear(sugg);
    if (!current) return;
    const rows = labelsOf(current.id);
    for (const row of rows.filter((l) => l.source === "human")) human.appendChild(humanItem(row));
    for (const row of rows.filter((l) => MACHINE.has(l.source))) sugg.appendChild(suggestionItem(row));
    if (!human.firstChild) human.appendChild(el("li", { className: "muted" }, msg("none")));
    if (!sugg.firstChild) sugg.appendChild(el("li", { className: "muted" }, msg("none")));
  }

  /* ---- writes ------------------------------------------------------------------------------ */
  function remember(row) {
    labels.set(row.id, row);
    render(row.passage_id);
    if (current && current.id === row.passage_id) renderPanel();
  }
  function failed(err) {
    if (err.status === 409 && err.body && err.body.current) {
      remember(err.body.current);
      status(msg("conflict"), true);
    } else {
      status(err.message, true);
    }
  }

  function speakerFields() {
    const typed = document.getElementById("speaker").value.trim();
    if (speakerSpan && speakerSpan.text === typed) {
      return { speaker_start: speakerSpan.start, speaker_end: speakerSpan.end, speaker_text: speakerSpan.text };
    }
    return typed ? { speaker_text: typed } : {};
  }

  async function create(payload) {
    const res = await api("POST", base + "/labels", payload);
    remember(res.label);
    return res.label;
  }

  async function applyLabel(name) {
    if (!cfg.can_annotate) return;
    const sel = readSelection() || lastSelection;
    const target = sel ? sel.passage : current;
    if (!target) return;
    const payload = Object.assign({ label: name }, speakerFields());
    const comment = document.getElementById("comment").value.trim();
    if (comment) payload.comment = comment;
    if (sel) Object.assign(payload, { article_id: cfg.article, start: sel.start, end: sel.end });
    else payload.passage_id = target.id;
    try {
      const row = await create(payload);
      undoStack.push({ type: "create", id: row.id });
      lastSelection = null; speakerSpan = null;
      document.getElementById("speaker").value = "";
      document.getElementById("comment").value = "";
      window.getSelection().removeAllRanges();
      showSelection(null);
      setCurrent(target, false);
      status(msg("saved"));
    } catch (err) { failed(err); }
  }

  async function update(id, changes, skipUndo) {
    const before = labels.get(id);
    try {
      const res = await api("PATCH", base + "/labels/" + id, Object.assign({ expected_version: before.version }, changes));
      if (!skipUndo) undoStack.push({ type: "update", id: id, before: { label: before.label,
        speaker_text: before.speaker_text, comment: before.comment } });
      remember(res.label);
      status(msg("saved"));
    } catch (err) { failed(err); }
  }

  async function remove(id, skipUndo) {
    const row = labels.get(id);
    try {
      const res = await api("DELETE", base + "/labels/" + id, { expected_version: row.version });
      if (!skipUndo) undoStack.push({ type: "delete", row: row });
      remember(res.label);
      status(msg("saved"));
    } catch (err) { failed(err); }
  }

  /* A decision belongs to this project (and to this annotator in a blind project): the server
   * keeps the suggestion open elsewhere, and "reopen" undoes it (deleting the label an accept made). */
  async function decide(id, action) {
    const row = labels.get(id);
    try {
      const res = await api("POST", base + "/suggestions/" + id + "/" + action, { expected_version: row.version });
      labels.set(id, Object.assign({}, row, { status: action === "accept" ? "accepted" : "rejected" }));
      if (action === "accept") remember(res.label);
      else { render(row.passage_id); if (current && current.id === row.passage_id) renderPanel(); }
      undoStack.push({ type: "decision", id: id });
      status(msg("saved"));
    } catch (err) { failed(err); }
  }

  async function reopen(id) {
    try {
      const res = await api("POST", base + "/suggestions/" + id + "/reopen", {});
      if (res.label) remember(res.label);
      remember(res.suggestion);
      return true;
    } catch (err) { failed(err); return false; }
  }

  async function undo() {
    const step = undoStack.pop();
    if (!step) { status(msg("nothing_to_undo")); return; }
    if (step.type === "create") await remove(step.id, true);
    else if (step.type === "update") await update(step.id, step.before, true);
    else if (step.type === "decision") { if (!(await reopen(step.id))) return; }
    else if (step.type === "delete") {
      const r = step.row;
      try {
        await create({ passage_id: r.passage_id, start: r.start, end: r.end, label: r.label, speaker_start: r.speaker_start,
                       speaker_end: r.speaker_end, speaker_text: r.speaker_text, comment: r.comment });
      } catch (err) { failed(err); return; }
    }
    status(msg("undone"));
  }

  function topSuggestion() {
    return current && labelsOf(current.id).find((l) => MACHINE.has(l.source));
  }

  /* ---- events -------------------------------------------------------------------------------- */
  document.getElementById("labelbar").addEventListener("mousedown", (e) => e.preventDefault());  // keep the selection
  document.getElementById("labelbar").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-label]");
    if (button) applyLabel(button.dataset.label);
  });
  document.getElementById("speaker-from-selection").addEventListener("mousedown", (e) => e.preventDefault());
  document.getElementById("speaker-from-selection").addEventListener("click", () => {
    const sel = readSelection();
    if (!sel) return;
    speakerSpan = { start: sel.start, end: sel.end, text: sel.text };
    document.getElementById("speaker").value = sel.text;
    window.getSelection().removeAllRanges();
  });
  article.addEventListener("click", (event) => {
    const node = event.target.closest(".passage");
    const p = node && passages.get(node.dataset.pid);
    if (p && p.content && !readSelection()) { lastSelection = null; showSelection(null); setCurrent(p, false); }
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (byKey.has(event.key)) { event.preventDefault(); applyLabel(byKey.get(event.key)); }
    else if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "u") { event.preventDefault(); undo(); }
    else if (event.key === "a" && topSuggestion()) { event.preventDefault(); decide(topSuggestion().id, "accept"); }
    else if (event.key === "r" && topSuggestion()) { event.preventDefault(); decide(topSuggestion().id, "reject"); }
  });

  function fromHash() {
    const p = location.hash.startsWith("#p-") ? passages.get(location.hash.slice(3)) : null;
    return p && p.content ? p : null;
  }
  window.addEventListener("hashchange", () => { const p = fromHash(); if (p) setCurrent(p, true); });

  async function load() {
    try {
      const res = await api("GET", base + "/articles/" + encodeURIComponent(cfg.article) + "/labels");
      for (const row of res.labels) labels.set(row.id, row);
    } catch (err) { status(err.message, true); }
    for (const pid of passages.keys()) render(pid);
    const target = fromHash();
    setCurrent(target || order[0], Boolean(target));
    article.dataset.ready = "1";
  }
  load();
})();
