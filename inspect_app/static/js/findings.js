// Findings, evidence and the inspection record: small page behaviours (no inline scripts, CSP).
(function () {
  "use strict";

  document.querySelectorAll('[data-action="print"]').forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // Ask before a destructive form (e.g. deleting a checklist item) is sent.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
