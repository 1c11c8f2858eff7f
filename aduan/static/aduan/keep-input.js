// Switching the language reloads the page; what the visitor had typed comes back.
// The language form posts to Django's set_language, which redirects to this same page.
// Right before, the values of the page's other forms are kept in sessionStorage (this
// tab only) and put back, into fields still empty, when the page loads again; then the
// copy is deleted. Passwords, files and hidden fields are never kept.
(function () {
  "use strict";
  var KEY = "aduan-keep:" + window.location.pathname;
  var SKIP = { password: 1, file: 1, hidden: 1, submit: 1, button: 1, reset: 1 };

  function forms() {
    return Array.prototype.filter.call(document.forms, function (f) {
      return !f.classList.contains("lang");
    });
  }

  function keep() {
    var kept = [];
    forms().forEach(function (form) {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || SKIP[el.type] || el.disabled) return;
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked) (values[el.name] = values[el.name] || []).push(el.value);
        } else if (el.value) {
          values[el.name] = el.value;
        }
      });
      kept.push(values);
    });
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(kept));
    } catch (e) { /* storage full or off: the switch still works */ }
  }

  function restore() {
    var raw;
    try {
      raw = window.sessionStorage.getItem(KEY);
      window.sessionStorage.removeItem(KEY);
    } catch (e) { return; }
    if (!raw) return;
    var kept;
    try { kept = JSON.parse(raw); } catch (e) { return; }
    forms().forEach(function (form, i) {
      var values = kept[i];
      if (!values) return;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || SKIP[el.type] || !(el.name in values)) return;
        var value = values[el.name];
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = value.indexOf(el.value) !== -1;
        } else if (!el.value) {
          el.value = value;
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    Array.prototype.forEach.call(document.querySelectorAll("form.lang"), function (f) {
      f.addEventListener("submit", keep);
    });
  });
})();
