/* Sweep page: follow a running sweep until it is done. */
(function () {
  "use strict";
  document.querySelectorAll("[data-sweep-run][data-running='1']").forEach(function (row) {
    function poll() {
      fetch(row.dataset.url, { headers: { "Accept": "application/json" } }).then(function (r) { return r.json(); }).then(function (d) {
        var bar = row.querySelector("[data-progress]");
        bar.max = d.chunks_total || 1; bar.value = d.chunks_done;
        row.querySelector("[data-status]").textContent = d.status_label;
        if (d.status === "running") { setTimeout(poll, 2000); } else { window.location.reload(); }
      });
    }
    poll();
  });
}());
