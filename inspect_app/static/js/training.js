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

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
