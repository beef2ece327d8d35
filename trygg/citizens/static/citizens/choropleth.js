/* The public statistics map: areas coloured by a disclosed count, never points.
 * <div class="map" data-choropleth="URL" data-tiles data-attribution data-center="lat,lon">
 * The GeoJSON's properties: label, period, text (the count as shown), level (0–4).
 * The table on the same page holds the same numbers for those who do not use the map.
 */
(function () {
  "use strict";
  var COLOURS = ["#f2f2f2", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function style(feature) {
    var level = (feature.properties || {}).level || 0;
    return { color: "#444", weight: 1, fillColor: COLOURS[level], fillOpacity: 0.75 };
  }

  function init(el) {
    var center = (el.dataset.center || "62,15").split(",").map(Number);
    var map = L.map(el, { maxZoom: 16, zoomSnap: 0.25, scrollWheelZoom: false }).setView(center, 10);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 16, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    fetch(el.dataset.choropleth)
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: style,
          onEachFeature: function (f, l) {
            var p = f.properties || {};
            l.bindTooltip(escapeHtml(p.label) + ": " + escapeHtml(p.text), { sticky: true });
          },
        }).addTo(map);
        if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-choropleth]").forEach(init);
  });
})();
