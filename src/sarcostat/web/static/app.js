// sarcostat serve: the only script. It follows a running analysis (progress bar and
// steps) by asking the API for the job's state, and reloads the page when it ends.
// Everything else works without JavaScript.
(function () {
  "use strict";
  function follow(box) {
    var url = box.getAttribute("data-status-url");
    var bar = document.getElementById("bar");
    var state = document.getElementById("state");
    var steps = document.getElementById("steps");
    var words = { queued: "Waiting to start", running: "Running", done: "Finished", failed: "Stopped" };
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          var pct = Math.round(job.progress * 100);
          bar.value = pct;
          bar.textContent = pct + "%";
          state.textContent = words[job.status] || job.status;
          while (steps.children.length < job.steps.length) {
            var li = document.createElement("li");
            li.textContent = job.steps[steps.children.length];
            steps.appendChild(li);
          }
          if (job.status === "done" || job.status === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(tick, 500);
          }
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("job");
    if (box && (box.getAttribute("data-status") === "queued" || box.getAttribute("data-status") === "running")) {
      follow(box);
    }
  });
})();
