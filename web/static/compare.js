/* Compare page: hover or focus a passage to light up its counterparts; click (or Enter) for the
 * word diff against each counterpart. Everything is built with createElement/textContent. */
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
})();
