/* Trygg review pages, on top of map.js (load this after it):
 *   <p data-status-for="#map-id">     shows the count, cap note or filter errors of the map's
 *                                     last events load (from the GeoJSON's summary/note/errors)
 *   <div class="map" data-map data-point="lat,lon" data-background=URL>
 *                                     a small map of one event: its point, zoomed in, with the
 *                                     areas GeoJSON at URL drawn behind it
 * No inline script: data comes through attributes only.
 */
(function () {
  "use strict";

  function showStatus(status) {
    var map = document.querySelector(status.dataset.statusFor);
    if (!map) return;
    map.addEventListener("trygg:events", function (e) {
      var data = e.detail || {};
      var failed = Boolean(data.errors && data.errors.length);
      var parts = failed ? data.errors : [data.summary, data.note];
      status.textContent = parts.filter(Boolean).join(" ");
      status.classList.toggle("error", failed);
    });
  }

  function showPoint(el) {
    var map = el._trygg && el._trygg.map;
    if (!map) return;
    var point = el.dataset.point.split(",").map(Number);
    L.circleMarker(point, {
      radius: 9, color: "#fff", weight: 2, fillOpacity: 0.95,
      fillColor: el.dataset.color || "#cf222e",
    }).addTo(map);
    map.setView(point, 15);
    if (!el.dataset.background) return;
    fetch(el.dataset.background, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        L.geoJSON(data, {
          style: function () {
            return { color: "#0b5394", weight: 1.5, fillColor: "#dbe7f3", fillOpacity: 0.55 };
          },
        }).addTo(map).bringToBack();
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-status-for]").forEach(showStatus);
    document.querySelectorAll("div.map[data-point]").forEach(showPoint);
  });
})();
