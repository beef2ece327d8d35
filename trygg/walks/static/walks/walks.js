/* Safety walks on Leaflet maps that trygg/map.js has set up (el._trygg.map):
 *   data-route-draw  id of the hidden input holding the route (GeoJSON LineString): taps add points
 *   data-route-show  id of a json_script with the route to draw
 *   data-points      id of a json_script with numbered findings [{n, lat, lon, label}]
 *   data-walk-mode   id of the walk-mode form: a category tap posts a finding at once, with its
 *                    own client key, and keeps it to send again while the connection is down
 */
(function () {
  "use strict";

  function json(id) {
    var el = id && document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function numbered(n, label) {
    var icon = L.divIcon({ className: "walk-num", html: "<span>" + Number(n) + "</span>", iconSize: [26, 26] });
    return L.marker([0, 0], { icon: icon, title: label || String(n), keyboard: false });
  }

  function routeLatLngs(route) {
    return route && route.coordinates ? route.coordinates.map(function (c) { return [c[1], c[0]]; }) : [];
  }

  // map.js fits the map to the areas once they arrive: fit it to the walk again after that.
  function keepFit(map, bounds) {
    map.fitBounds(bounds, { padding: [24, 24] });
    map.on("layeradd", function (e) {
      if (e.layer instanceof L.GeoJSON) setTimeout(function () { map.fitBounds(bounds, { padding: [24, 24] }); }, 0);
    });
  }

  function showRoute(map, route) {
    var pts = routeLatLngs(route);
    if (pts.length < 2) return null;
    var line = L.polyline(pts, { color: "#0b5394", weight: 4, dashArray: "8 6" }).addTo(map);
    keepFit(map, line.getBounds());
    return line;
  }

  function showPoints(map, points) {
    var layer = L.featureGroup().addTo(map);
    (points || []).forEach(function (p) {
      numbered(p.n, p.label).setLatLng([p.lat, p.lon]).bindTooltip(p.n + ". " + p.label).addTo(layer);
    });
    return layer;
  }

  function drawRoute(el, map) {
    var input = document.getElementById(el.dataset.routeDraw);
    var tools = el.parentNode.querySelector(".route-tools");
    var status = tools.querySelector(".route-status");
    var pts = [];
    try { pts = routeLatLngs(JSON.parse(input.value || "null")); } catch (e) { pts = []; }
    var line = L.polyline(pts, { color: "#0b5394", weight: 4 }).addTo(map);
    var dots = L.layerGroup().addTo(map);
    tools.hidden = false;
    function update() {
      line.setLatLngs(pts);
      dots.clearLayers();
      pts.forEach(function (p) { L.circleMarker(p, { radius: 4, color: "#0b5394" }).addTo(dots); });
      input.value = pts.length ? JSON.stringify({
        type: "LineString",
        coordinates: pts.map(function (p) { return [Number(p[1].toFixed(6)), Number(p[0].toFixed(6))]; }),
      }) : "";
      status.textContent = pts.length + " " + (el.dataset.pointsLabel || "");
    }
    map.on("click", function (e) { pts.push([e.latlng.lat, e.latlng.lng]); update(); });
    tools.querySelector(".route-undo").addEventListener("click", function () { pts.pop(); update(); });
    tools.querySelector(".route-clear").addEventListener("click", function () { pts = []; update(); });
    if (pts.length > 1) keepFit(map, line.getBounds());
    update();
  }

  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function walkMode(el, map) {
    var form = document.getElementById(el.dataset.walkMode);
    var text = json("walk-text") || {};
    var where = document.getElementById("where-status");
    var status = document.getElementById("walk-status");
    var found = document.getElementById("found");
    var pendingList = document.getElementById("pending");
    var lat = form.querySelector("[name=lat]");
    var lon = form.querySelector("[name=lon]");
    var key = form.querySelector("[name=client_key]");
    var findings = showPoints(map, []);
    var here = null;
    var pending = [];

    (json("walk-findings") || []).forEach(addFinding);
    if (!json("walk-route") && findings.getLayers().length) keepFit(map, findings.getBounds());

    function setPlace(latlng, label) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (!here) here = L.circleMarker(latlng, { radius: 9, color: "#1f4e9a", fillOpacity: 0.4 }).addTo(map);
      here.setLatLng(latlng);
      where.textContent = label + " " + lat.value + ", " + lon.value;
    }

    function addFinding(f) {
      numbered(f.number, f.category).setLatLng([f.lat, f.lon]).bindTooltip(f.number + ". " + f.category).addTo(findings);
      if (found.querySelector('li[value="' + f.number + '"]')) return;
      var li = document.createElement("li");
      li.value = f.number;
      li.textContent = f.category + (f.text ? " – " + f.text : "");
      found.appendChild(li);
    }

    function locate() {
      if (!navigator.geolocation) { where.textContent = text.noGeolocation; return; }
      where.textContent = text.locating;
      navigator.geolocation.getCurrentPosition(
        function (p) {
          var ll = L.latLng(p.coords.latitude, p.coords.longitude);
          setPlace(ll, text.position);
          map.setView(ll, Math.max(map.getZoom(), 16));
        },
        function () { where.textContent = text.geoFailed; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
      );
    }

    function renderPending() {
      pendingList.textContent = "";
      pending.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = text.pending + " " + item.label + " ";
        var again = document.createElement("button");
        again.type = "button";
        again.className = "secondary";
        again.textContent = text.retry;
        again.addEventListener("click", flush);
        li.appendChild(again);
        pendingList.appendChild(li);
      });
    }

    function send(item) {
      return fetch(form.action, {
        method: "POST", body: item.data, credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
      }).then(function (res) {
        if (res.ok) {
          pending = pending.filter(function (p) { return p !== item; });
          addFinding(res.body);
          status.textContent = text.saved.replace("%(n)s", res.body.number);
        } else if (res.status < 500) {
          pending = pending.filter(function (p) { return p !== item; });
          status.textContent = (res.body.errors || []).join(" ");
        } else {
          status.textContent = text.offline;
        }
        renderPending();
      }).catch(function () { status.textContent = text.offline; renderPending(); });
    }

    function flush() { pending.slice().forEach(send); }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = e.submitter;
      if (!lat.value || !lon.value) { status.textContent = text.noPlace; return; }
      var data = new FormData(form);
      data.set("category", button ? button.value : "");
      var label = button && button.value !== "other" ? button.textContent : form.querySelector("[name=other]").selectedOptions[0].textContent;
      var item = { data: data, label: label };
      pending.push(item);
      status.textContent = text.sending;
      // The next finding gets a key of its own; this one keeps its key for every retry.
      key.value = uuid4();
      form.querySelector("[name=description]").value = "";
      form.querySelector("[name=photos]").value = "";
      send(item);
    });
    form.querySelector(".locate").addEventListener("click", locate);
    map.on("click", function (e) { setPlace(e.latlng, text.position); });
    window.addEventListener("online", flush);
    setInterval(function () { if (pending.length) flush(); }, 15000);
    if (lat.value && lon.value) setPlace(L.latLng(Number(lat.value), Number(lon.value)), text.position);
    else locate();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("div.map[data-map]").forEach(function (el) {
      var map = el._trygg && el._trygg.map;
      if (!map) return;
      if (el.dataset.routeShow) showRoute(map, json(el.dataset.routeShow));
      if (el.dataset.points) {
        var layer = showPoints(map, json(el.dataset.points));
        if (!json(el.dataset.routeShow) && layer.getLayers().length) keepFit(map, layer.getBounds());
      }
      if (el.dataset.routeDraw) drawRoute(el, map);
      if (el.dataset.walkMode) walkMode(el, map);
    });
  });
})();
