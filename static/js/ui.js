// "Copy link" buttons next to read-only fields (data-copy-for="<input id>"). Without
// JavaScript the button stays hidden and the field can be selected and copied by hand.
document.querySelectorAll("[data-copy-for]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy-for"));
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy link"; }, 2000);
    });
  });
});
document.querySelectorAll("input[data-copy]").forEach(function (field) {
  field.addEventListener("focus", function () { field.select(); });
});

// A search box above long <select data-searchable> lists (the time-zone picker): typing hides
// the options that do not match. Without JavaScript the grouped list works as it is.
document.querySelectorAll("select[data-searchable]").forEach(function (select) {
  var box = document.createElement("input");
  box.type = "search";
  box.className = "select-search";
  box.placeholder = select.getAttribute("data-searchable");
  box.setAttribute("aria-label", select.getAttribute("data-searchable"));
  box.setAttribute("aria-controls", select.id);
  select.parentNode.insertBefore(box, select);
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var first = null;
    select.querySelectorAll("option").forEach(function (option) {
      var group = option.parentNode.label || "";
      var text = (group + " " + option.textContent).toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      option.hidden = !match;
      if (match && !first) first = option;
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    if (first && words.length) select.value = first.value;
  });
});
