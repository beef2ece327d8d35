/* The public tip form, on top of map.js: shows the map (hidden without JavaScript, where the
 * list of named places is used instead), fills the position from the device, and moves the
 * pin to a place chosen in the list. Data: <script type="application/json" id="tip-places">
 * maps each list value to [lat, lon]. No inline script.
 */
(function () {
  "use strict";

  // Deferred scripts run before DOMContentLoaded: the map is visible when map.js sets it up.
  var tipForm = document.getElementById("tip-form");
  if (tipForm) tipForm.classList.add("js");

  function init(form) {
    var mapEl = form.querySelector("div.map[data-map]");
    var select = form.querySelector("select[name=place]");
    var status = document.getElementById("tip-where-status");
    var lat = form.querySelector("[name=lat]");
    var lon = form.querySelector("[name=lon]");
    var points = JSON.parse((document.getElementById("tip-places") || {}).textContent || "{}");
    var text = form.dataset;
    var trygg = function () { return mapEl && mapEl._trygg; };

    var fromList = false;
    lat.addEventListener("change", function () {
      if (!fromList && select) select.value = "";
      fromList = false;
      status.textContent = text.chosen;
    });
    if (select) {
      select.addEventListener("change", function () {
        var point = points[select.value];
        if (!point || !trygg() || !trygg().place) return;
        fromList = true;
        trygg().place(L.latLng(point[0], point[1]), true);
      });
    }
    var locate = document.getElementById("tip-locate");
    if (locate) {
      locate.addEventListener("click", function () {
        if (!navigator.geolocation) { status.textContent = text.noGeolocation; return; }
        status.textContent = text.locating;
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            if (trygg() && trygg().place) {
              trygg().place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
            }
          },
          function () { status.textContent = text.noPosition; },
          { enableHighAccuracy: true, timeout: 15000 }
        );
      });
    }
    var errors = document.getElementById("tip-errors");
    if (errors) errors.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (tipForm) init(tipForm);
  });
})();
