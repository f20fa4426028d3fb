// The job page: polls GET /api/v1/jobs/<id> and shows its progress until the job ends.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.dataset.url;
  var part = function (name) { return document.querySelector('[data-job="' + name + '"]'); };
  var colours = { queued: "secondary", running: "primary", done: "success", failed: "danger", cancelled: "dark" };
  var finished = { done: true, failed: true, cancelled: true };
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "vi");

  function label(name) { return box.dataset["label" + name.charAt(0).toUpperCase() + name.slice(1)] || name; }

  function setFill(percent) {
    var fill = part("fill");
    fill.style.width = percent + "%";
    fill.textContent = percent + "%";
    part("bar").setAttribute("aria-valuenow", String(percent));
  }

  function show(job) {
    var status = part("status");
    status.textContent = label(job.status);
    status.className = "badge text-bg-" + (colours[job.status] || "secondary");
    part("stage").textContent = job.status === "running" && job.stage ? label(job.stage) : "";
    setFill(job.progress);
    var counts = [];
    if (job.total) counts.push(numberFormat.format(job.done) + " / " + numberFormat.format(job.total) + " " + label("rows"));
    counts.push(job.progress + "%");
    if (job.elapsed_s !== null) counts.push(job.elapsed_s + " " + label("seconds"));
    part("counts").textContent = counts.join(" · ");
    if (finished[job.status]) {
      part("fill").classList.remove("progress-bar-striped", "progress-bar-animated");
      var cancel = part("cancel");
      if (cancel) cancel.remove();
    }
    if (job.status === "done") {
      part("summary").textContent = job.summary;
      part("summary").classList.remove("d-none");
      if (job.result) { part("result").href = job.result; part("result").classList.remove("d-none"); }
      if (job.link) { part("link").href = job.link; part("link").classList.remove("d-none"); }
    }
    if (job.status === "failed") {
      var list = part("errors");
      list.replaceChildren();
      job.errors.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      part("failure").classList.remove("d-none");
    }
  }

  var delay = 500;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (!finished[job.status]) {
          delay = Math.min(delay * 1.5, 3000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        part("stage").textContent = label("lost");
        window.setTimeout(poll, 5000);
      });
  }
  setFill(Number(part("fill").dataset.progress || 0));
  if (!finished[box.dataset.status]) poll();
})();
