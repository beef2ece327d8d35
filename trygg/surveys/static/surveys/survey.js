/* Citizen dialogue survey maps (no inline script; data through data-* and json_script).
 *
 * [data-survey-map]      the public form's map: shown only when JavaScript runs (the form
 *                        works without it through the list of named places); a tap fills the
 *                        next free place slot's hidden lat/lon inputs.
 * [data-survey-results]  the staff maps: data-cells (id of a json_script with GeoJSON cells,
 *                        labelled with their count) or data-points (id of a json_script list).
 */
(function () {
  "use strict";

  function slotParts(slot) {
    return {
      lat: slot.querySelector("input[name$=_lat]"),
      lon: slot.querySelector("input[name$=_lon]"),
      status: slot.querySelector("[data-slot-status]"),
      clear: slot.querySelector("[data-slot-clear]"),
    };
  }

  function answerMap(el) {
    el.hidden = false;
    window.Trygg.initMap(el);
    var map = el._trygg.map;
    var slots = Array.prototype.slice.call(document.querySelectorAll("[data-slot]"));
    var markers = {};

    function show(slot) {
      var p = slotParts(slot);
      var marked = p.lat.value !== "" && p.lon.value !== "";
      p.status.hidden = false;
      p.status.textContent = marked ? el.dataset.marked : el.dataset.unmarked;
      p.clear.hidden = !marked;
      var key = slot.dataset.slot;
      if (markers[key]) { map.removeLayer(markers[key]); delete markers[key]; }
      if (marked) {
        markers[key] = L.marker([Number(p.lat.value), Number(p.lon.value)], { title: key })
          .bindTooltip(key, { permanent: true, direction: "top" }).addTo(map);
      }
    }

    slots.forEach(function (slot) {
      var p = slotParts(slot);
      p.clear.addEventListener("click", function () {
        p.lat.value = ""; p.lon.value = "";
        show(slot);
      });
      show(slot);
    });

    map.on("click", function (e) {
      var free = slots.find(function (s) { return slotParts(s).lat.value === ""; });
      if (!free) return;
      var p = slotParts(free);
      p.lat.value = e.latlng.lat.toFixed(6);
      p.lon.value = e.latlng.lng.toFixed(6);
      show(free);
    });
  }

  function readJson(selector) {
    var node = selector ? document.querySelector(selector) : null;
    return node ? JSON.parse(node.textContent) : null;
  }

  function resultsMap(el) {
    window.Trygg.initMap(el);
    var map = el._trygg.map;
    var cells = readJson(el.dataset.cells);
    if (cells && cells.features.length) {
      var layer = L.geoJSON(cells, {
        style: { color: "#8b1a1a", weight: 1, fillColor: "#cf222e", fillOpacity: 0.45 },
        onEachFeature: function (f, l) { l.bindTooltip(String(f.properties.n), { permanent: true }); },
      }).addTo(map);
      map.fitBounds(layer.getBounds().pad(0.5));
    }
    var points = readJson(el.dataset.points);
    if (points && points.length) {
      var group = L.featureGroup(points.map(function (p) {
        return L.circleMarker([p.lat, p.lon], { radius: 6, color: "#fff", weight: 1, fillColor: "#cf222e", fillOpacity: 0.9 })
          .bindPopup(document.createTextNode(p.text || "–"));
      })).addTo(map);
      map.fitBounds(group.getBounds().pad(0.2));
    }
  }

  document.querySelectorAll("[data-survey-map]").forEach(answerMap);
  document.querySelectorAll("[data-survey-results]").forEach(resultsMap);
})();
