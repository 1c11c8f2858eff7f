// The resolve form (office/_action.html): the "named body or reason" field matters only
// for a referral or a refusal, so it is hidden for the other outcomes. Without this
// script the field stays visible with its help text; the server checks it either way.
// A file of its own because the Content-Security-Policy allows no inline script.
(function () {
  var radios = document.querySelectorAll("input[type=radio][name=outcome]");
  if (!radios.length || !radios[0].form) return;
  var form = radios[0].form;
  var note = form.querySelector("input[name=outcome_note]");
  if (!note) return;
  var box = note.closest(".field");
  var needs = (radios[0].getAttribute("data-needs-note") || "").split(" ");
  function update() {
    var chosen = form.querySelector("input[type=radio][name=outcome]:checked");
    var wanted = chosen !== null && needs.indexOf(chosen.value) !== -1;
    // Never hide text the officer already typed, nor an error about it.
    if (box) box.hidden = !wanted && note.value.trim() === "" && !box.classList.contains("has-error");
    note.required = wanted;
  }
  for (var i = 0; i < radios.length; i++) radios[i].addEventListener("change", update);
  update();
})();
