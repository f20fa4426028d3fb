// Plan proposal page: keep the totals in step with the lines the admin changes on this page
// (saved lines of other pages are already in the server's figures). Loaded as a file (CSP).
(function () {
  "use strict";

  var totals = document.getElementById("proposal-totals");
  var form = document.getElementById("proposal-lines");
  if (!totals || !form) {
    return;
  }
  var capacity = parseInt(totals.getAttribute("data-capacity"), 10);

  function state(row) {
    var box = row.querySelector('[data-field="selected"]');
    var mode = row.querySelector('[data-field="mode"]');
    var quarter = row.querySelector('[data-field="quarter"]');
    return {
      selected: box ? box.checked : false,
      mode: mode ? mode.value : "",
      quarter: quarter ? quarter.value : "",
      level: row.getAttribute("data-level"),
    };
  }

  function bump(name, delta) {
    var cell = totals.querySelector('[data-total="' + name + '"]');
    if (!cell) {
      return;
    }
    var value = parseInt(cell.textContent.replace(/\D/g, ""), 10) || 0;
    value += delta;
    cell.textContent = String(value);
    if (name.indexOf("quarter-") === 0) {
      var warning = totals.querySelector('[data-over="' + name.slice(8) + '"]');
      if (warning) {
        warning.classList.toggle("d-none", value <= capacity);
      }
    }
  }

  function count(line, delta) {
    if (!line.selected) {
      return;
    }
    bump("selected", delta);
    bump(line.mode, delta);
    bump(line.level + "-" + line.mode, delta);
    if (line.mode === "on_site") {
      bump("quarter-" + line.quarter, delta);
    }
  }

  form.querySelectorAll("tr[data-line]").forEach(function (row) {
    var before = state(row);
    row.addEventListener("change", function () {
      var after = state(row);
      count(before, -1);
      count(after, 1);
      before = after;
      var badge = totals.querySelector("[data-unsaved]");
      if (badge) {
        badge.classList.remove("d-none");
      }
    });
  });
})();
