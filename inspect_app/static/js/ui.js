// Every page, logged in or not: tables that scroll sideways on a narrow screen can be
// reached with the keyboard (focusable, named by their caption or heading).
function focusableScrollers() {
  document.querySelectorAll(".table-responsive").forEach((region) => {
    if (region.hasAttribute("tabindex")) return;
    region.setAttribute("tabindex", "0");
    if (!region.hasAttribute("role")) region.setAttribute("role", "region");
    if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
      const caption = region.querySelector("caption");
      const section = region.closest("section[aria-labelledby]");
      const heading = caption || (section && document.getElementById(section.getAttribute("aria-labelledby")));
      const label = heading ? heading.textContent.trim() : document.title.split(" · ")[0];
      region.setAttribute("aria-label", label);
    }
  });
}

focusableScrollers();
