// The staff complaint page's map (geo/_staff_map.html): the complaint's pin on the tiles,
// and, for staff who may set the location, a tap or a drag that puts a new pin into the
// "lokasi" action's form (its number fields; saving stays a normal form post). Without tiles
// the pin still shows on a plain background; without this script the links and fields remain.
(function () {
  "use strict";
  var el = document.getElementById("staff-map");
  if (!el || !window.L) return;
  var data = el.dataset;
  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(data.tiles, {
    maxZoom: Number(data.maxZoom) || 19,
    attribution: data.attribution,
  }).addTo(map);

  var hasPin = data.lat !== undefined && data.lon !== undefined;
  if (hasPin) {
    var here = L.latLng(Number(data.lat), Number(data.lon));
    L.marker(here, { title: data.textPin, alt: data.textPin }).addTo(map);
    map.setView(here, 17);
  } else {
    var box = data.bounds.split(",").map(Number);
    map.fitBounds(L.latLngBounds([box[0], box[1]], [box[2], box[3]]));
  }

  var form = data.form ? document.getElementById(data.form) : null;
  if (!form) return;
  var hint = document.getElementById("staff-map-hint");
  if (hint) hint.hidden = false;
  var latInput = form.querySelector("input[name=latitude]");
  var lonInput = form.querySelector("input[name=longitude]");
  if (!latInput || !lonInput) return;
  var moved = null;

  function take(latlng) {
    if (!moved) {
      moved = L.marker(latlng, {
        draggable: true,
        title: data.textNew,
        alt: data.textNew,
        opacity: 0.75,
      }).addTo(map);
      moved.on("dragend", function () { take(moved.getLatLng()); });
    } else {
      moved.setLatLng(latlng);
    }
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    form.open = true;
  }

  map.on("click", function (event) { take(event.latlng); });
})();
