// Training register: tick or untick every attendance box, print the sheet, confirm removals.
// Loaded as a file (no inline scripts, CSP).
(function () {
  "use strict";

  function setAll(className, checked) {
    document.querySelectorAll("input." + className).forEach(function (box) {
      box.checked = checked;
    });
  }

  document.querySelectorAll("[data-check-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      setAll(button.getAttribute("data-check-all"), true);
    });
  });
  document.querySelectorAll("[data-uncheck-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      setAll(button.getAttribute("data-uncheck-all"), false);
    });
  });

  document.querySelectorAll('[data-action="print"]').forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // A course with too many candidate agencies to list asks the server for the ones that
  // match what the user types (at least two characters), and lists those.
  document.querySelectorAll("datalist[data-suggest]").forEach(function (list) {
    var input = document.querySelector('input[list="' + list.id + '"]');
    if (!input) {
      return;
    }
    var timer = null;
    var asked = "";
    function show(agencies) {
      list.replaceChildren.apply(list, agencies.map(function (agency) {
        var option = document.createElement("option");
        option.value = agency.code;
        option.textContent = agency.name + " (" + agency.level + ")";
        return option;
      }));
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) {
          return;
        }
        asked = text;
        var url = list.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { agencies: [] };
          })
          .then(function (data) {
            if (text === asked) {
              show(data.agencies);
            }
          })
          .catch(function () {});
      }, 200);
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
