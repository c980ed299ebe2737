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

// ---- Markdown boxes (form.editor): Write/Preview, drafts saved as you type, @mentions,
// ---- images pasted or dropped. Everything here is an extra: the form posts without it.
function csrfOf(form) {
  var field = form.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function post(url, form, data) {
  var body = new FormData();
  Object.keys(data).forEach(function (key) { body.append(key, data[key]); });
  return fetch(url, {
    method: "POST", body: body, credentials: "same-origin",
    headers: { "X-CSRFToken": csrfOf(form), "X-Requested-With": "fetch" },
  });
}

document.querySelectorAll("form.editor").forEach(function (form) {
  var area = form.querySelector("textarea");
  if (!area) return;
  var wrap = document.createElement("div");
  wrap.className = "editor__box";
  area.parentNode.insertBefore(wrap, area);
  var bar = document.createElement("div");
  bar.className = "editor__bar";
  var tabs = document.createElement("div");
  tabs.className = "editor__tabs";
  tabs.setAttribute("role", "tablist");
  tabs.setAttribute("aria-label", "Write or preview");
  bar.appendChild(tabs);
  var write = document.createElement("button");
  var preview = document.createElement("button");
  [write, preview].forEach(function (b, i) {
    b.type = "button";
    b.className = "editor__tab";
    b.setAttribute("role", "tab");
    b.textContent = i ? "Preview" : "Write";
    tabs.appendChild(b);
  });
  var status = document.createElement("span");
  status.className = "editor__status";
  status.setAttribute("aria-live", "polite");
  bar.appendChild(status);
  var pane = document.createElement("div");
  pane.className = "editor__preview prose";
  pane.hidden = true;
  wrap.appendChild(bar);
  wrap.appendChild(area);
  wrap.appendChild(pane);
  function show(previewing) {
    write.setAttribute("aria-selected", String(!previewing));
    preview.setAttribute("aria-selected", String(previewing));
    area.hidden = previewing;
    pane.hidden = !previewing;
  }
  show(false);
  write.addEventListener("click", function () { show(false); area.focus(); });
  preview.addEventListener("click", function () {
    pane.textContent = "Loading the preview…";
    show(true);
    post(form.dataset.previewUrl, form, { body: area.value })
      .then(function (r) { return r.text(); })
      .then(function (html) { pane.innerHTML = html; }); // sanitised by the server, as stored
  });

  // Drafts: saved on the server a second after you stop typing, so they follow you.
  if (form.dataset.draftUrl) {
    var timer = null;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        post(form.dataset.draftUrl, form, { key: form.dataset.draftKey, body: area.value }).then(function (r) {
          status.textContent = r.ok ? "Draft saved" : "";
        });
      }, 800);
    });
    if (area.value.trim() && form.dataset.draftKey.indexOf("reply:") === 0) status.textContent = "Your draft is back";
  }

  // Images: paste or drop a picture; it is checked, resized and linked into the text.
  if (form.dataset.uploadUrl) {
    function upload(file) {
      if (!file || file.type.indexOf("image/") !== 0) return false;
      status.textContent = "Adding the image…";
      var body = new FormData();
      body.append("image", file);
      fetch(form.dataset.uploadUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfOf(form), "X-Requested-With": "fetch" },
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (data.markdown) {
          var at = area.selectionStart || area.value.length;
          area.value = area.value.slice(0, at) + "\n" + data.markdown + "\n" + area.value.slice(at);
          area.dispatchEvent(new Event("input"));
          status.textContent = "Image added";
        } else {
          status.textContent = data.error || "That image could not be added.";
        }
      });
      return true;
    }
    area.addEventListener("paste", function (event) {
      var items = (event.clipboardData && event.clipboardData.files) || [];
      if (items.length && upload(items[0])) event.preventDefault();
    });
    area.addEventListener("dragover", function (event) { event.preventDefault(); });
    area.addEventListener("drop", function (event) {
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length && upload(files[0])) event.preventDefault();
    });
  }

  // @mentions: names of the people who may read this thread, as you type "@Pri".
  if (form.dataset.mentionUrl) {
    var list = document.createElement("ul");
    list.className = "mentions";
    list.setAttribute("role", "listbox");
    list.id = "mentions-" + Math.random().toString(36).slice(2);
    list.hidden = true;
    wrap.appendChild(list);
    area.setAttribute("aria-controls", list.id);
    var active = -1;
    function close() { list.hidden = true; list.innerHTML = ""; active = -1; }
    function pick(name) {
      var at = area.selectionStart;
      var before = area.value.slice(0, at).replace(/@[^@\s]*$/, "@" + name + " ");
      area.value = before + area.value.slice(at);
      area.selectionStart = area.selectionEnd = before.length;
      close();
      area.focus();
    }
    var asked = 0; // answers to older keystrokes may arrive last: only the latest is shown
    area.addEventListener("input", function () {
      var match = area.value.slice(0, area.selectionStart).match(/(^|\s)@([^@\s]{1,30})$/);
      var ask = ++asked;
      if (!match) return close();
      fetch(form.dataset.mentionUrl + "?q=" + encodeURIComponent(match[2]), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (ask !== asked) return;
          list.innerHTML = "";
          data.people.forEach(function (person, i) {
            var item = document.createElement("li");
            item.setAttribute("role", "option");
            item.id = list.id + "-" + i;
            item.textContent = person.name + (person.title ? " · " + person.title : "");
            item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(person.name); });
            item.dataset.name = person.name;
            list.appendChild(item);
          });
          list.hidden = !data.people.length;
          active = -1;
        });
    });
    area.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      var items = list.querySelectorAll("li");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        items.forEach(function (li, i) { li.setAttribute("aria-selected", String(i === active)); });
        area.setAttribute("aria-activedescendant", items[active].id);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        pick(items[active].dataset.name);
      } else if (event.key === "Escape") {
        close();
      }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
  }
});

// ---- Keyboard shortcuts for reading a thread: j/k next/previous post, r reply, ? help.
// Posts are looked up on each key press: htmx may have swapped one for its new version.
(function () {
  var help = document.getElementById("shortcuts-help");
  if (!document.querySelector(".posts > .post")) return;
  var current = -1;
  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable=true]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var posts = Array.prototype.slice.call(document.querySelectorAll(".posts > .post"));
    if (event.key === "j" || event.key === "k") {
      current = Math.max(0, Math.min(posts.length - 1, current + (event.key === "j" ? 1 : -1)));
      posts.forEach(function (p) { p.classList.remove("post--current"); });
      posts[current].classList.add("post--current");
      posts[current].setAttribute("tabindex", "-1");
      posts[current].focus({ preventScroll: true });
      posts[current].scrollIntoView({ block: "start", behavior: "smooth" });
    } else if (event.key === "r") {
      var box = document.querySelector("#reply textarea");
      if (box) { event.preventDefault(); box.focus(); }
    } else if (event.key === "?" && help && help.showModal) {
      if (help.open) help.close(); else help.showModal();
    }
  });
})();

// ---- User cards: hover or tap a name (links with data-user-card) to see who they are.
(function () {
  var card = null;
  var cache = {};
  function hide() { if (card) { card.remove(); card = null; } }
  function show(link) {
    var url = link.getAttribute("data-user-card");
    var load = cache[url] || (cache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }));
    load.then(function (html) {
      hide();
      card = document.createElement("div");
      card.className = "user-card-pop";
      card.setAttribute("role", "dialog");
      card.setAttribute("aria-label", link.textContent);
      card.innerHTML = html; // rendered by our own template, escaped there
      document.body.appendChild(card);
      var box = link.getBoundingClientRect();
      card.style.setProperty("--top", window.scrollY + box.bottom + 6 + "px");
      card.style.setProperty("--left", Math.max(8, Math.min(window.scrollX + box.left, window.innerWidth - 300)) + "px");
      card.addEventListener("mouseleave", hide);
    });
  }
  // Delegated from the document, so names in posts swapped in by htmx work too.
  var timer = null;
  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest("a[data-user-card]");
    if (!link || link.contains(event.relatedTarget)) return;
    clearTimeout(timer);
    timer = setTimeout(function () { show(link); }, 350);
  });
  document.addEventListener("mouseout", function (event) {
    var link = event.target.closest && event.target.closest("a[data-user-card]");
    if (link && !link.contains(event.relatedTarget)) clearTimeout(timer);
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-user-card]");
    if (link && window.matchMedia("(hover: none)").matches && !card) { event.preventDefault(); show(link); }
  }, true);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
  document.addEventListener("click", function (event) { if (card && !card.contains(event.target)) hide(); });
})();

// A printable page's "Print or save as PDF" button (the contribution record).
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();

// ---- On a phone the community's tab row scrolls: bring the current tab into view.
document.querySelectorAll(".tabs [aria-current=page]").forEach(function (tab) {
  var row = tab.parentNode;
  if (row.scrollWidth <= row.clientWidth) return;
  var offset = tab.getBoundingClientRect().left - row.getBoundingClientRect().left;
  row.scrollLeft += offset - (row.clientWidth - tab.offsetWidth) / 2;
});
