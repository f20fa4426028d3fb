// Reports page: copy a generated paragraph; say that a long import is running (CSP: no inline script).
(function () {
  "use strict";

  var status = document.querySelector("[data-copy-status]");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    return done;
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      if (!source) {
        return;
      }
      var text = source.textContent.trim();
      var copied = document.documentElement.lang === "en" ? "Copied." : "Đã sao chép.";
      var failed = document.documentElement.lang === "en"
        ? "Could not copy; select the text and press Ctrl+C."
        : "Không sao chép được; hãy bôi đen đoạn văn và nhấn Ctrl+C.";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { say(copied); },
          function () { say(fallbackCopy(text) ? copied : failed); }
        );
      } else {
        say(fallbackCopy(text) ? copied : failed);
      }
    });
  });

  // The import runs in the request; while it does, show that it is working and block a resubmit.
  document.querySelectorAll("form[data-busy-message]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var box = document.querySelector("[data-busy-status]");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
      if (box) {
        box.textContent = form.getAttribute("data-busy-message");
      } else {
        var note = document.createElement("p");
        note.setAttribute("role", "status");
        note.textContent = form.getAttribute("data-busy-message");
        form.appendChild(note);
      }
    });
  });
})();
