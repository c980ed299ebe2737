// New-thread form: show threads like the title being typed (the form works without this).
(function () {
  "use strict";
  var title = document.getElementById("id_title"), box = document.getElementById("similar");
  if (!title || !box || !box.dataset.url || !window.fetch) return;
  var timer = null, last = "";
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var value = title.value.trim();
      if (value === last) return;
      last = value;
      if (value.length < 8) { box.innerHTML = ""; return; }
      fetch(box.dataset.url + "?title=" + encodeURIComponent(value), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { box.innerHTML = html; });
    }, 350);
  });
})();
