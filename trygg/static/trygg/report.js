/* The report form (reports/report_new.html): events added and removed, subcategories that
 * follow the category, and the place of each event by map pin, own position or place search.
 * Each event has its own shared map (map.js, data-pick): the map fills the inputs named
 * lat/lon inside the event's ".where" block, and this script copies them to the event's own
 * fields (events-N-lat, events-N-lon). Data comes from json_script elements only.
 */
(function () {
  "use strict";

  var form, subcategories, text;

  function field(fieldset, name) {
    return fieldset.querySelector("[name$='-" + name + "']");
  }

  function fillSubcategories(fieldset) {
    var category = field(fieldset, "category");
    var sub = field(fieldset, "subcategory");
    var keep = sub.value;
    var options = subcategories[category.value] || [];
    sub.replaceChildren(new Option(text.choose, ""));
    options.forEach(function (o) {
      var selected = String(o[0]) === keep;
      sub.add(new Option(o[1], o[0], selected, selected));
    });
    fieldset.querySelector(".subcategory").hidden = options.length === 0;
  }

  function showStatus(fieldset, message) {
    var status = fieldset.querySelector(".where-status");
    var lat = field(fieldset, "lat").value;
    var place = field(fieldset, "place").value;
    if (message) status.textContent = message;
    else if (place) status.textContent = text.place + " " + place;
    else if (lat) status.textContent = text.position + " " + lat + ", " + field(fieldset, "lon").value;
    else status.textContent = text.noPlace;
  }

  // The map moved the pin: copy its position; a pin moved away from a chosen place drops the place.
  function pinMoved(fieldset) {
    var where = fieldset.querySelector(".where");
    var lat = where.querySelector("[name=lat]").value;
    var lon = where.querySelector("[name=lon]").value;
    if (lat !== field(fieldset, "lat").value || lon !== field(fieldset, "lon").value) {
      field(fieldset, "lat").value = lat;
      field(fieldset, "lon").value = lon;
      field(fieldset, "place").value = "";
    }
    showStatus(fieldset);
  }

  function setPin(fieldset, lat, lon, placeName) {
    var latlng = L.latLng(Number(lat), Number(lon));
    field(fieldset, "lat").value = latlng.lat.toFixed(6);
    field(fieldset, "lon").value = latlng.lng.toFixed(6);
    field(fieldset, "place").value = placeName || "";
    fieldset.querySelector(".map")._trygg.place(latlng, true);
  }

  function locate(fieldset, button) {
    if (!navigator.geolocation) { showStatus(fieldset, text.noGeolocation); return; }
    button.disabled = true;
    showStatus(fieldset, text.locating);
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        button.disabled = false;
        setPin(fieldset, pos.coords.latitude, pos.coords.longitude, "");
      },
      function () {
        button.disabled = false;
        showStatus(fieldset, text.geoFailed);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  function resultItem(result) {
    var li = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary place-result";
    button.textContent = result.name;
    button.dataset.lat = result.lat;
    button.dataset.lon = result.lon;
    button.dataset.name = result.name;
    var kind = document.createElement("span");
    kind.className = "muted";
    kind.textContent = " " + (result.kind || "");
    button.appendChild(kind);
    li.appendChild(button);
    return li;
  }

  function note(message) {
    var li = document.createElement("li");
    li.className = "muted";
    li.textContent = message;
    return li;
  }

  function search(fieldset) {
    var q = fieldset.querySelector(".place-q").value.trim();
    var list = fieldset.querySelector(".place-results");
    if (!q) { list.replaceChildren(); return; }
    list.replaceChildren(note(text.searching));
    fetch(form.dataset.placesUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var results = data.results || [];
        list.replaceChildren.apply(list, results.length ? results.map(resultItem) : [note(text.noResults)]);
      })
      .catch(function () { list.replaceChildren(note(text.searchFailed)); });
  }

  function renumber() {
    var n = 0;
    form.querySelectorAll("#events > fieldset.event").forEach(function (fieldset) {
      if (!fieldset.hidden) fieldset.querySelector(".event-number").textContent = ++n;
    });
  }

  function removeEvent(fieldset) {
    field(fieldset, "DELETE").value = "on";
    fieldset.hidden = true;
    renumber();
  }

  function setUp(fieldset) {
    fillSubcategories(fieldset);
    showStatus(fieldset);
  }

  function addEvent() {
    var total = form.querySelector("[name=events-TOTAL_FORMS]");
    var index = Number(total.value);
    var html = document.getElementById("event-template").innerHTML.replace(/__prefix__/g, String(index));
    var events = document.getElementById("events");
    events.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var fieldset = events.lastElementChild;
    setUp(fieldset);
    window.Trygg.initMap(fieldset.querySelector(".map"));
    renumber();
    fieldset.scrollIntoView({ behavior: "smooth", block: "start" });
    field(fieldset, "category").focus({ preventScroll: true });
  }

  function onClick(e) {
    var button = e.target.closest("button");
    var fieldset = button && button.closest("fieldset.event");
    if (!fieldset) return;
    if (button.classList.contains("locate")) locate(fieldset, button);
    else if (button.classList.contains("search")) search(fieldset);
    else if (button.classList.contains("place-result")) {
      setPin(fieldset, button.dataset.lat, button.dataset.lon, button.dataset.name);
      fieldset.querySelector(".place-results").replaceChildren();
    } else if (button.classList.contains("remove-event")) removeEvent(fieldset);
  }

  function onChange(e) {
    var fieldset = e.target.closest("fieldset.event");
    if (!fieldset) return;
    if (e.target.name === "lat") pinMoved(fieldset);
    else if (/-category$/.test(e.target.name)) fillSubcategories(fieldset);
  }

  // Enter in the place search searches instead of sending the report.
  function onKeydown(e) {
    if (e.key !== "Enter" || !e.target.classList.contains("place-q")) return;
    e.preventDefault();
    search(e.target.closest("fieldset.event"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("report-form");
    if (!form) return;
    subcategories = JSON.parse(document.getElementById("report-subcategories").textContent);
    text = JSON.parse(document.getElementById("report-text").textContent);
    form.querySelectorAll("#events > fieldset.event").forEach(setUp);
    renumber();
    form.addEventListener("click", onClick);
    form.addEventListener("change", onChange);
    form.addEventListener("keydown", onKeydown);
    var add = document.getElementById("add-event");
    add.hidden = false;
    add.addEventListener("click", addEvent);
  });
})();
