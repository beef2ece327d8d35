/* Trygg maps. A <div class="map" data-...> becomes a Leaflet map:
 *   data-tiles        base tile URL template (empty: offline, area polygons are the background)
 *   data-attribution  tile attribution
 *   data-areas        URL of the areas GeoJSON (drawn as the background layer)
 *   data-events       URL of the events GeoJSON (clustered markers); the page's filter form
 *                     (data-filter-form="#id") adds its query string and reloads on change
 *   data-center       "lat,lon" used before data arrives
 *   data-pick         id of a form whose lat/lon inputs a click (or drag of the pin) fills
 * No inline script: pages pass data through attributes and json_script only.
 */
(function () {
  "use strict";

  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function areaStyle() {
    return { color: "#0b5394", weight: 1.5, fillColor: "#dbe7f3", fillOpacity: 0.55 };
  }

  function popupFor(props) {
    var html = "<strong>" + escapeHtml(props.title) + "</strong>";
    if (props.when) html += "<br>" + escapeHtml(props.when);
    if (props.area) html += "<br>" + escapeHtml(props.area);
    if (props.url) html += '<br><a href="' + escapeHtml(props.url) + '">' + escapeHtml(props.link || "→") + "</a>";
    return html;
  }

  // Citizen tips are diamonds (hollow while waiting for moderation), reports are dots.
  function markerFor(f, latlng) {
    var p = f.properties || {};
    if (p.layer === "tips" || p.layer === "new_tips") {
      var icon = L.divIcon({
        className: "tip-marker" + (p.layer === "new_tips" ? " new" : ""), iconSize: [14, 14],
      });
      return L.marker(latlng, { icon: icon, title: p.title || "" });
    }
    return L.circleMarker(latlng, {
      radius: 7, color: "#fff", weight: 1.5, fillOpacity: 0.9, fillColor: p.color || "#cf222e",
    });
  }

  function init(el) {
    var center = (el.dataset.center || "62,15").split(",").map(Number);
    var map = L.map(el, { maxZoom: 19, zoomSnap: 0.25 }).setView(center, 11);
    el._trygg = { map: map };
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var fitted = false;
    if (el.dataset.areas) {
      fetch(el.dataset.areas, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var layer = L.geoJSON(data, {
            style: areaStyle,
            onEachFeature: function (f, l) {
              var p = f.properties || {};
              l.bindTooltip(escapeHtml(p.label || p.name || p.code || ""), { sticky: true });
              if (p.url) l.on("dblclick", function () { window.location = p.url; });
            },
          }).addTo(map);
          layer.bringToBack();
          if (!fitted && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); fitted = true; }
        });
    }
    if (el.dataset.events) {
      var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
      map.addLayer(cluster);
      var form = el.dataset.filterForm ? document.querySelector(el.dataset.filterForm) : null;
      var load = function () {
        var qs = form ? new URLSearchParams(new FormData(form)).toString() : "";
        var url = el.dataset.events + (qs ? (el.dataset.events.indexOf("?") < 0 ? "?" : "&") + qs : "");
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            last = data;
            render();
            el.dispatchEvent(new CustomEvent("trygg:events", { detail: data }));
          });
      };
      var last = null;
      var hidden = {};
      var render = function () {
        cluster.clearLayers();
        if (!last) return;
        var layer = L.geoJSON(last, {
          filter: function (f) { return !hidden[(f.properties && f.properties.layer) || "reports"]; },
          pointToLayer: markerFor,
          onEachFeature: function (f, l) { l.bindPopup(popupFor(f.properties || {})); },
        });
        cluster.addLayer(layer);
      };
      // Layers by the features' `layer` property: "reports", "tips", "new_tips".
      el._trygg.showLayer = function (name, visible) { hidden[name] = !visible; render(); };
      el._trygg.reload = load;
      if (form) form.addEventListener("change", load);
      load();
    }
    if (el.dataset.pick) {
      var pickForm = document.getElementById(el.dataset.pick);
      var lat = pickForm.querySelector("[name=lat]");
      var lon = pickForm.querySelector("[name=lon]");
      var pin = null;
      var place = function (latlng, pan) {
        lat.value = latlng.lat.toFixed(6);
        lon.value = latlng.lng.toFixed(6);
        if (!pin) {
          pin = L.marker(latlng, { draggable: true, title: el.dataset.pinTitle || "" }).addTo(map);
          pin.on("dragend", function () { place(pin.getLatLng(), false); });
        } else {
          pin.setLatLng(latlng);
        }
        if (pan) map.setView(latlng, Math.max(map.getZoom(), 15));
        lat.dispatchEvent(new Event("change", { bubbles: true }));
      };
      map.on("click", function (e) { place(e.latlng, false); });
      el._trygg.place = place;
      if (lat.value && lon.value) place(L.latLng(Number(lat.value), Number(lon.value)), true);
    }
    return map;
  }

  window.Trygg = window.Trygg || {};
  window.Trygg.initMap = init;
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("div.map[data-map]").forEach(init);
  });
})();
