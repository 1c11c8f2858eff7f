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

// Photos for slow networks: before a form with photos is sent, each large photo is drawn
// on a canvas at most 1600 px on its longer side and sent as a JPEG of at most about 300 KB
// (a 3 MB camera photo; a detailed one, asphalt or leaves, is encoded again at a lower
// quality until it fits: 300 KB is six seconds at 400 kbit/s), and the upload shows its
// progress. Without JavaScript, or when
// anything here fails, the form is posted as it is and the server shrinks the photos.
(function () {
  var MAX_SIDE = 1600, QUALITIES = [0.85, 0.72, 0.6], TARGET = 300 * 1024;
  var SMALL_ENOUGH = 400 * 1024;
  var canvasOk = !!(window.FormData && window.XMLHttpRequest && window.Blob &&
    document.createElement("canvas").toBlob);
  if (!canvasOk) return;

  function loadImage(file) {
    // createImageBitmap needs no blob: URL, which the Content-Security-Policy's img-src
    // would refuse; it turns the photo upright from its EXIF orientation.
    if (window.createImageBitmap) {
      return createImageBitmap(file, {imageOrientation: "from-image"}).then(function (bmp) {
        return {img: bmp, url: null, width: bmp.width, height: bmp.height};
      });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        resolve({img: img, url: url, width: img.naturalWidth, height: img.naturalHeight});
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;  // browsers apply the EXIF orientation to <img> by default
    });
  }

  function release(loaded) {
    if (loaded.url) URL.revokeObjectURL(loaded.url);
    if (loaded.img.close) loaded.img.close();
  }

  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
    return loadImage(file).then(function (loaded) {
      var img = loaded.img, w = loaded.width, h = loaded.height;
      var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      if (scale === 1 && file.size <= SMALL_ENOUGH) { release(loaded); return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";  // a transparent PNG becomes a JPEG on white
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      release(loaded);
      return new Promise(function (resolve) {
        function encode(step) {
          canvas.toBlob(function (blob) {
            if (blob && blob.size > TARGET && step + 1 < QUALITIES.length) {
              encode(step + 1);
              return;
            }
            // Keep the original when the "smaller" one is not smaller.
            if (!blob || blob.size >= file.size) { resolve(file); return; }
            var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
            resolve(new File([blob], name, {type: "image/jpeg"}));
          }, "image/jpeg", QUALITIES[step]);
        }
        encode(0);
      });
    }).catch(function () { return file; });
  }

  function showProgress(box, percent) {
    if (!box) return;
    box.hidden = false;
    var bar = box.querySelector("progress"), label = box.querySelector("[data-label]");
    if (percent === null) {
      bar.removeAttribute("value");
      label.textContent = box.getAttribute("data-preparing");
    } else {
      bar.value = percent;
      label.textContent = box.getAttribute("data-sending") + " " + percent + "%";
    }
  }

  function replacePage(xhr) {
    var target = xhr.responseURL || window.location.href;
    if (xhr.status < 400 && target !== window.location.href) {
      window.location.assign(target);  // the result page after the redirect
      return;
    }
    // A page with errors: shown as the plain post would have shown it.
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  document.querySelectorAll('form[enctype="multipart/form-data"]').forEach(function (form) {
    var input = form.querySelector('input[type="file"][accept^="image"]');
    if (!input) return;
    var box = form.querySelector(".upload-progress");
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending || !input.files || !input.files.length) return;
      event.preventDefault();
      sending = true;
      var submitter = event.submitter;
      var buttons = form.querySelectorAll("button[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      showProgress(box, null);
      var files = Array.prototype.slice.call(input.files);
      Promise.all(files.map(shrink)).then(function (shrunk) {
        var data = new FormData(form);
        if (submitter && submitter.name) data.append(submitter.name, submitter.value);
        data.delete(input.name);
        shrunk.forEach(function (f) { data.append(input.name, f, f.name); });
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.getAttribute("action") || window.location.href);
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) showProgress(box, Math.round(100 * e.loaded / e.total));
        });
        xhr.onload = function () { replacePage(xhr); };
        xhr.onerror = function () {
          // The network failed: let the browser try the plain post, which shows its own error.
          sending = true;
          buttons.forEach(function (b) { b.disabled = false; });
          HTMLFormElement.prototype.submit.call(form);
        };
        xhr.send(data);
      });
    });
  });
})();
