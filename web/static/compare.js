/* Compare page: hover or focus a passage to light up its counterparts; click (or Enter) for the
 * word diff against each counterpart; n / p step through the aligned pairs; the "only here"
 * badges can be hidden (remembered in localStorage). Everything is built with
 * createElement/textContent. */
"use strict";

(function () {
  const grid = document.getElementById("compare-grid");
  const panel = document.getElementById("diff-panel");
  if (!grid || !panel) return;
  const { api, el, clear, msg } = PL;

  function counterparts(passage) {
    return (passage.dataset.links || "").split(" ").filter(Boolean)
      .map((pid) => document.getElementById("p-" + pid)).filter(Boolean);
  }

  function light(passage, on) {
    for (const other of counterparts(passage)) other.classList.toggle("lit", on);
    passage.classList.toggle("lit", on && counterparts(passage).length > 0);
  }

  function enter(event) {
    const passage = event.target.closest && event.target.closest(".passage.linked");
    if (passage) light(passage, true);
  }
  function leave(event) {
    const passage = event.target.closest && event.target.closest(".passage.linked");
    if (passage) light(passage, false);
  }

  function renderSide(title, segments) {
    const box = el("div", { className: "side" }, el("h4", {}, title));
    for (const seg of segments) {
      box.appendChild(seg.mark ? el(seg.mark, {}, seg.text) : document.createTextNode(seg.text));
    }
    return box;
  }

  function renderPair(result) {
    const kind = result.kind ? msg("kind." + result.kind) : "";
    const head = el("p", { className: "muted" }, kind + (result.score !== null && result.score !== undefined
      ? " · " + msg("diff.score") + " " + Number(result.score).toFixed(2) : ""));
    return el("div", {}, head, el("div", { className: "pair" },
      renderSide(result.a.outlet || result.a.article_id, result.a.segments),
      renderSide(result.b.outlet || result.b.article_id, result.b.segments)));
  }

  async function showDiff(passage) {
    const others = counterparts(passage);
    clear(panel);
    const close = el("button", { type: "button", className: "close" }, msg("diff.close"));
    close.addEventListener("click", hide);
    panel.appendChild(el("header", {}, el("strong", {}, msg("diff.title")), close));
    const body = el("div", { className: "diff-body" }, el("p", { className: "muted" }, msg("diff.loading")));
    panel.appendChild(body);
    panel.hidden = false;
    document.querySelectorAll(".passage.active").forEach((n) => n.classList.remove("active"));
    passage.classList.add("active");
    try {
      const results = await Promise.all(others.map((o) =>
        api("GET", "/api/diff?a=" + encodeURIComponent(passage.dataset.pid) + "&b=" + encodeURIComponent(o.dataset.pid))));
      clear(body);
      if (!results.length) body.appendChild(el("p", {}, msg("diff.none")));
      for (const r of results) body.appendChild(renderPair(r));
    } catch (err) {
      clear(body);
      body.appendChild(el("p", { className: "status-line error" }, err.message));
    }
  }

  function hide() {
    panel.hidden = true;
    document.querySelectorAll(".passage.active").forEach((n) => n.classList.remove("active"));
  }

  grid.addEventListener("mouseover", enter);
  grid.addEventListener("mouseout", leave);
  grid.addEventListener("focusin", enter);
  grid.addEventListener("focusout", leave);
  grid.addEventListener("click", (event) => {
    if (window.getSelection && String(window.getSelection()).length > 0) return;  // selecting text
    const passage = event.target.closest(".passage.linked");
    if (passage) showDiff(passage);
  });
  grid.addEventListener("keydown", (event) => {
    const passage = event.target.closest && event.target.closest(".passage.linked");
    if (passage && event.key === "Enter") { event.preventDefault(); showDiff(passage); }
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });

  /* ---- n / p: step through aligned pairs (one per aligned row, in reading order) ---------- */
  const pairs = [...grid.querySelectorAll(".crow.band")]
    .map((row) => row.querySelector(".passage.linked")).filter(Boolean);
  const pairStatus = document.getElementById("pair-status");
  let stepped = -1;

  function step(delta) {
    if (!pairs.length) return;
    const from = stepped >= 0 ? stepped : (delta > 0 ? -1 : pairs.length);
    const next = Math.min(pairs.length - 1, Math.max(0, from + delta));
    if (stepped >= 0) { pairs[stepped].classList.remove("stepped"); light(pairs[stepped], false); }
    stepped = next;
    const passage = pairs[next];
    passage.classList.add("stepped");
    passage.focus({ preventScroll: true });  // focusin lights the counterparts, as hover does
    light(passage, true);
    passage.scrollIntoView({ block: "center" });
    if (pairStatus) {
      pairStatus.textContent = msg("pair.position").replace("{i}", String(next + 1)).replace("{n}", String(pairs.length));
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "n") { event.preventDefault(); step(1); }
    else if (event.key === "p") { event.preventDefault(); step(-1); }
  });

  /* ---- "only here" badges on/off, remembered per browser ------------------------------------ */
  const toggle = document.getElementById("show-only-here");
  const KEY = "presslens.compare.showOnlyHere";
  function storedShow() {
    try { return window.localStorage.getItem(KEY) !== "0"; } catch (e) { return true; }  // storage may be blocked
  }
  function applyShow(show) {
    grid.classList.toggle("hide-only", !show);
    if (toggle) toggle.checked = show;
  }
  applyShow(storedShow());
  if (toggle) {
    toggle.addEventListener("change", () => {
      applyShow(toggle.checked);
      try { window.localStorage.setItem(KEY, toggle.checked ? "1" : "0"); } catch (e) { /* not remembered */ }
    });
  }
})();
