/* Job page: poll the job's status once a second while it is queued or running; show the
 * progress bar and step; reload once it settles so the server renders the outcome. */
"use strict";

(function () {
  const box = document.getElementById("job");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const bar = document.getElementById("job-progress");
  const step = document.getElementById("job-step");
  const pct = document.getElementById("job-pct");
  const status = document.getElementById("job-status");

  async function poll() {
    try {
      const { job } = await PL.api("GET", box.dataset.api);
      bar.value = job.progress;
      bar.textContent = job.progress + "%";
      step.textContent = job.step;
      pct.textContent = String(job.progress);
      status.firstChild.textContent = job.status_text + " · ";
      if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
    } catch (err) {
      step.textContent = err.message;  // keep polling: the server may be restarting
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
