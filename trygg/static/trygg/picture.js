/* The weekly picture's map: the shared Trygg map (map.js) with three extra layers read from
 * the page's json_script "picture-layers": own reports (points), Gi* hot-spot cells and the
 * kernel-density heat map (graded cells). Layer names come from data-label-* attributes.
 * No inline script: the page passes data only through attributes and json_script.
 */
(function () {
  "use strict";

  var KDE_COLORS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];

  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function kdeLayer(data) {
    return L.geoJSON(data, {
      interactive: false,
      style: function (f) {
        var level = (f.properties && f.properties.level) || 1;
        return { stroke: false, fillColor: KDE_COLORS[level - 1], fillOpacity: 0.2 + level * 0.12 };
      },
    });
  }

  function hotLayer(data) {
    return L.geoJSON(data, {
      style: function () {
        return { color: "#7a0177", weight: 1.2, fill: true, fillOpacity: 0, opacity: 0.8 };
      },
      onEachFeature: function (f, l) {
        var p = f.properties || {};
        l.bindTooltip("Gi* z = " + escapeHtml(p.z) + " · n = " + escapeHtml(p.count));
      },
    });
  }

  function pointLayer(data) {
    return L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {
          radius: 6, color: "#fff", weight: 1.5, fillOpacity: 0.9,
          fillColor: (f.properties && f.properties.color) || "#cf222e",
        });
      },
      onEachFeature: function (f, l) {
        var p = f.properties || {};
        l.bindTooltip(escapeHtml(p.title) + " · " + escapeHtml(p.when));
      },
    });
  }

  function clusterLayer(data) {
    return L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        var p = f.properties || {};
        return L.circle(latlng, {
          radius: Math.max(p.radius || 0, 50), color: "#1a1a1a", weight: 2.5, dashArray: "6 4",
          fill: false,
        });
      },
      onEachFeature: function (f, l) {
        var p = f.properties || {};
        l.bindTooltip(escapeHtml(p.observed) + " / " + escapeHtml(p.expected) + " · p = " + escapeHtml(p.p));
      },
    });
  }

  function areaLayer(map, url) {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function () {
            return { color: "#0b5394", weight: 1.2, fillColor: "#dbe7f3", fillOpacity: 0.35 };
          },
          onEachFeature: function (f, l) {
            var p = f.properties || {};
            l.bindTooltip(escapeHtml(p.label || p.name || p.code || ""), { sticky: true });
          },
        }).addTo(map);
        layer.bringToBack();
      });
  }

  function init(el) {
    var source = document.getElementById("picture-layers");
    if (!source || !window.Trygg || !window.Trygg.initMap) return;
    var layers = JSON.parse(source.textContent);
    // The areas are drawn here, not by map.js, so that the view fits this week's layers.
    var map = window.Trygg.initMap(el);
    if (el.dataset.pictureAreas) areaLayer(map, el.dataset.pictureAreas);
    var overlays = {};
    var groups = [
      ["kde", kdeLayer(layers.kde)],
      ["hot", hotLayer(layers.hot)],
      ["points", pointLayer(layers.points)],
      ["clusters", clusterLayer(layers.clusters || { type: "FeatureCollection", features: [] })],
    ];
    groups.forEach(function (g) {
      var name = el.dataset["label" + g[0].charAt(0).toUpperCase() + g[0].slice(1)] || g[0];
      overlays[name] = g[1].addTo(map);
    });
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    // Fit the hot spots (the town) when there are any, else this week's reports.
    var focus = groups[1][1].getBounds();
    if (!focus.isValid()) focus = groups[2][1].getBounds();
    if (focus.isValid()) map.fitBounds(focus.pad(0.15), { maxZoom: 16 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("picture-map");
    if (el) init(el);
  });
})();
