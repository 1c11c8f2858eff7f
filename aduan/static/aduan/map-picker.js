// The filing form's map (portal/file.html): tap the map or drag the pin, or use the phone's
// location; the pin fills the latitude/longitude fields and asks the server which kelurahan
// holds it (/peta/kelurahan), which is then chosen in the list, where the citizen can still
// correct it. Progressive enhancement: without this script (or without Leaflet) the list,
// the address and the number fields do the same job; without tiles the map still takes a
// pin on a plain background with the kelurahan outlines. Texts and settings come from the
// element's data-* attributes (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var root = document.getElementById("map-picker");
  if (!root || !window.L) return;
  var data = root.dataset;
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var select = document.getElementById("id_kelurahan");
  var status = document.getElementById("map-status");
  var locateBtn = document.getElementById("use-location");
  var clearBtn = document.getElementById("clear-pin");
  var box = data.bounds.split(",").map(Number);
  var cityBounds = L.latLngBounds([box[0], box[1]], [box[2], box[3]]);

  // Drag to pan and tap to pin, as map apps do; the mouse wheel does not zoom, so scrolling
  // the form past the map on a desktop does not zoom it by accident.
  var map = L.map("map-canvas", { scrollWheelZoom: false, zoomSnap: 0.5 });
  map.fitBounds(cityBounds);
  L.tileLayer(data.tiles, {
    maxZoom: Number(data.maxZoom) || 19,
    attribution: data.attribution,
  }).addTo(map);

  if (data.outlinesUrl) {
    fetch(data.outlinesUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geojson) {
        if (!geojson || !geojson.features.length) return;
        L.geoJSON(geojson, {
          interactive: false,
          style: { color: "#5b6b7f", weight: 1, opacity: 0.7, fill: false },
        }).addTo(map);
      })
      .catch(function () {});
  }

  var marker = null;
  var outline = null;
  var asked = 0;

  function say(text, bad) {
    status.textContent = text;
    status.classList.toggle("map-status-bad", !!bad);
  }

  function fill(template, kelurahan) {
    return template.replace("%(name)s", kelurahan.name).replace("%(kecamatan)s", kelurahan.kecamatan);
  }

  function setOutline(geometry) {
    if (outline) { map.removeLayer(outline); outline = null; }
    if (geometry) {
      outline = L.geoJSON(geometry, {
        interactive: false,
        style: { color: "#0b5cab", weight: 2, fillColor: "#0b5cab", fillOpacity: 0.08 },
      }).addTo(map);
    }
  }

  // choose: put the kelurahan found in the list (not when a returned form shows the
  // citizen's own earlier choice).
  function lookup(latlng, choose) {
    var mine = ++asked;
    var url = data.locateUrl + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (answer) {
        if (mine !== asked) return;
        setOutline(answer.geometry);
        if (answer.inside === false) {
          say(data.textOutside, true);
        } else if (answer.kelurahan) {
          if (choose && select) {
            select.value = String(answer.kelurahan.id);
            select.dispatchEvent(new Event("change", { bubbles: true }));
          }
          say(fill(data.textChosen, answer.kelurahan));
        } else {
          say(data.textUnknown);
        }
      })
      .catch(function () { if (mine === asked) say(data.textFailed, true); });
  }

  function place(latlng, options) {
    options = options || {};
    if (!marker) {
      marker = L.marker(latlng, {
        draggable: true,
        keyboard: true,
        title: data.textMarker,
        alt: data.textMarker,
        autoPan: true,
      }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng(), { choose: true }); });
    } else {
      marker.setLatLng(latlng);
    }
    if (!options.keepInputs) {
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
    }
    clearBtn.hidden = false;
    if (options.pan) map.setView(latlng, Math.max(map.getZoom(), 16));
    lookup(latlng, options.choose !== false);
  }

  function fromInputs() {
    var lat = parseFloat(latInput.value);
    var lon = parseFloat(lonInput.value);
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      return L.latLng(lat, lon);
    }
    return null;
  }

  map.on("click", function (event) { place(event.latlng, { choose: true }); });

  // Numbers typed by hand move the pin too.
  [latInput, lonInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var latlng = fromInputs();
      if (latlng) place(latlng, { keepInputs: true, pan: true, choose: true });
    });
  });

  clearBtn.addEventListener("click", function () {
    asked++;
    if (marker) { map.removeLayer(marker); marker = null; }
    setOutline(null);
    latInput.value = "";
    lonInput.value = "";
    clearBtn.hidden = true;
    say("");
  });

  if (locateBtn && navigator.geolocation) {
    locateBtn.addEventListener("click", function () {
      say(data.textLocating);
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          place(L.latLng(pos.coords.latitude, pos.coords.longitude), { pan: true, choose: true });
        },
        function () { say(data.textNoLocation, true); },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }

  // A form returned with an error keeps its pin, and the citizen's kelurahan choice.
  var initial = fromInputs();
  if (initial) place(initial, { keepInputs: true, pan: true, choose: !(select && select.value) });
})();
