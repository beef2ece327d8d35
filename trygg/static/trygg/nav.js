// The navigation menus (<details name="nav">) open and close without JavaScript; this adds
// what a menu is expected to do besides: Escape closes it (focus back on its heading), and
// so does a click or focus anywhere outside it. Focus on another menu's heading leaves it to
// the click (name="nav" closes the others then): closing on mousedown would move that heading
// away from under the pointer on a phone, where an open menu takes space in the page.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("nav.main-nav details[open]"); }
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    menus().forEach(function (d) {
      if (d.contains(document.activeElement)) d.querySelector("summary").focus();
      d.open = false;
    });
  });
  function closeOutside(e) {
    if (e.type === "focusin" && e.target.closest("nav.main-nav summary")) return;
    menus().forEach(function (d) { if (!d.contains(e.target)) d.open = false; });
  }
  document.addEventListener("click", closeOutside);
  document.addEventListener("focusin", closeOutside);
})();
