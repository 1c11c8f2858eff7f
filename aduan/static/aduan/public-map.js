// The public map (reports/map.html): complaints from /publik/peta/aduan.json (the public
// projection: rounded positions, no rahasia complaint) as clustered markers on the tiles;
// overdue ones in red. The filters are a plain GET form and the page lists the same
// complaints, so without this script, Leaflet or tiles nothing is lost but the picture.
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || !window.L) return;
  var data = el.dataset;
  var status = document.getElementById("public-map-status");
  var DONE = { selesai: true, ditutup: true };
  el.hidden = false;

  var box = data.bounds.split(",").map(Number);
  var map = L.map(el, { scrollWheelZoom: false });
  map.fitBounds(L.latLngBounds([box[0], box[1]], [box[2], box[3]]));
  L.tileLayer(data.tiles, {
    maxZoom: Number(data.maxZoom) || 19,
    attribution: data.attribution,
  }).addTo(map);

  function say(text) { status.textContent = text || ""; }

  function icon(item) {
    var kind = item.overdue ? " map-pin-overdue" : DONE[item.status] ? " map-pin-done" : "";
    var size = item.overdue ? 22 : 18;
    return L.divIcon({ className: "map-pin" + kind, iconSize: [size, size], html: "" });
  }

  function popup(item) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.code;
    var strong = document.createElement("strong");
    strong.appendChild(link);
    box.appendChild(strong);
    [item.category, item.status_label, item.overdue ? data.textOverdue : ""].forEach(function (t) {
      if (!t) return;
      var line = document.createElement("div");
      line.textContent = t;
      box.appendChild(line);
    });
    return box;
  }

  var group = L.markerClusterGroup
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 })
    : L.layerGroup();

  fetch(data.url, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (answer) {
      answer.complaints.forEach(function (item) {
        var label = item.code + (item.overdue ? " · " + data.textOverdue : "");
        var marker = L.marker([item.lat, item.lon], {
          icon: icon(item),
          title: label,
          alt: label,
          keyboard: true,
        });
        marker.bindPopup(popup(item));
        group.addLayer(marker);
      });
      map.addLayer(group);
      if (!answer.complaints.length) say(data.textEmpty);
      else if (answer.truncated) say(data.textTruncated);
    })
    .catch(function () { say(data.textFailed); });
})();
