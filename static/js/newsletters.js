// Issue page: refresh the delivery numbers every few seconds while the issue sends.
(function poll() {
  "use strict";
  var box = document.getElementById("issue-status");
  if (!box || !box.dataset.poll || !window.fetch) return;
  setTimeout(function () {
    fetch(box.dataset.poll, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) { box.outerHTML = html; poll(); } });
  }, 3000);
})();
