/* Class mode, teacher's view: refresh each student's progress every `data-refresh` ms (15 s by
 * default, app config EXERCISE_REFRESH_MS) while the page is open (GET /api/exercises/<id>/scores),
 * so the teacher follows the class live. Text only. */
"use strict";
(function () {
  const table = document.getElementById("progress");
  if (!table || !table.dataset.exercise) return;
  const url = "/api/exercises/" + encodeURIComponent(table.dataset.exercise) + "/scores";

  function update(rows) {
    for (const p of rows) {
      const tr = table.querySelector("tr[data-user='" + Number(p.user_id) + "']");
      if (!tr) continue;
      tr.querySelector(".answered").textContent = p.answered + " / " + p.total;
      const bar = tr.querySelector("progress");
      bar.max = p.total || 1;
      bar.value = p.answered;
      tr.querySelector(".handed").textContent = p.handed_in_at ? p.handed_in_at.slice(0, 16).replace("T", " ") : "—";
    }
  }

  async function refresh() {
    try {
      const res = await PL.api("GET", url);
      update(res.progress || []);
    } catch (err) { /* a missed refresh is retried at the next tick */ }
  }
  window.setInterval(refresh, Math.max(200, Number(table.dataset.refresh) || 15000));
})();
