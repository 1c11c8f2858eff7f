// The filing form (portal/file.html): "use my location" fills the coordinates, and the
// error summary takes the focus. A file of its own because the Content-Security-Policy
// allows no inline script.
(function () {
  document.documentElement.classList.add("js");
  var btn = document.getElementById("use-location");
  if (!btn || !navigator.geolocation) { if (btn) btn.hidden = true; return; }
  btn.addEventListener("click", function () {
    btn.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
      btn.disabled = false;
    }, function () { btn.disabled = false; }, {enableHighAccuracy: true, timeout: 15000});
  });
  var summary = document.getElementById("errors");
  if (summary) summary.focus();
})();
