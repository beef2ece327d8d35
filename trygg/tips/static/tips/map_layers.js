/* Layer toggles for an event map (after map.js):
 *   <fieldset data-layers-for="#map-id"> with checkboxes whose values are layer names
 *   ("reports", "tips", "new_tips"); unticking one hides that layer's markers.
 */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-layers-for]").forEach(function (box) {
      var map = document.querySelector(box.dataset.layersFor);
      box.hidden = false;
      box.addEventListener("change", function (e) {
        var input = e.target;
        if (!map || !map._trygg || !map._trygg.showLayer || input.type !== "checkbox") return;
        map._trygg.showLayer(input.value, input.checked);
      });
    });
  });
})();
