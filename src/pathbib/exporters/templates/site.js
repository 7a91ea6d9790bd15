(function () {
  "use strict";
  // pathbib page script: filters, sorts and copies; the list itself is plain HTML.
  // The view is kept in the URL hash as "#?q=...&section=...&from=...&to=...&kind=...&code=1&sort=...";
  // any other hash is a paper's anchor and is left alone.
  var K = { text: 0, year: 1, date: 2, sections: 3, kind: 4, code: 5, title: 6 };
  var rows = JSON.parse(document.getElementById("pb-data").textContent).rows;
  var list = document.getElementById("results");
  var items = Array.prototype.slice.call(list.querySelectorAll(".paper"));
  var form = document.getElementById("filters");
  var status = document.getElementById("count");
  var none = document.getElementById("none");
  var el = {
    q: document.getElementById("q"),
    section: document.getElementById("section"),
    from: document.getElementById("from"),
    to: document.getElementById("to"),
    kind: document.getElementById("kind"),
    code: document.getElementById("code"),
    sort: document.getElementById("sort")
  };
  var total = rows.length;
  document.documentElement.classList.add("js");
  // the search text: what the reader sees (title, authors, venue, highlight) + key and code links
  var texts = items.map(function (li, i) {
    var parts = [rows[i][K.text]];
    [".t", ".authors", ".venue", ".highlight"].forEach(function (sel) {
      var n = li.querySelector(sel);
      if (n) { parts.push(n.textContent); }
    });
    return fold(parts.join(" "));
  });
  var citations = null;
  function loadCitations() {
    if (!citations) {
      var b64 = document.getElementById("pb-cite").textContent.trim();
      var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      citations = new Response(stream).text().then(JSON.parse);
    }
    return citations;
  }
  var currentSort = "new";

  function fold(s) {
    return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  }

  function readControls() {
    return {
      q: el.q.value.trim(),
      section: el.section.value,
      from: el.from.value.trim(),
      to: el.to.value.trim(),
      kind: el.kind.value,
      code: el.code.checked ? "1" : "",
      sort: el.sort.value === "new" ? "" : el.sort.value
    };
  }

  function writeControls(s) {
    el.q.value = s.q || "";
    el.section.value = s.section || "";
    if (el.section.value !== (s.section || "")) { el.section.value = ""; }
    el.from.value = s.from || "";
    el.to.value = s.to || "";
    el.kind.value = s.kind || "";
    if (el.kind.value !== (s.kind || "")) { el.kind.value = ""; }
    el.code.checked = s.code === "1";
    el.sort.value = s.sort || "new";
    if (!el.sort.value) { el.sort.value = "new"; }
  }

  function stateFromHash() {
    var h = window.location.hash;
    if (h.slice(0, 2) !== "#?") { return null; }
    var p = new URLSearchParams(h.slice(2));
    var s = {};
    ["q", "section", "from", "to", "kind", "code", "sort"].forEach(function (k) { s[k] = p.get(k) || ""; });
    return s;
  }

  function hashFromState(s) {
    var p = new URLSearchParams();
    Object.keys(s).forEach(function (k) { if (s[k]) { p.set(k, s[k]); } });
    var q = p.toString();
    return q ? "#?" + q : "";
  }

  function year(v) {
    var n = parseInt(v, 10);
    return isNaN(n) ? null : n;
  }

  // indices of `items` in the order of the chosen sort
  var order = items.map(function (_, i) { return i; });
  var orders = { "new": order };
  function sortOrder(mode) {
    if (mode === currentSort) { return; }
    if (!orders[mode]) {
      var o = items.map(function (_, i) { return i; });
      if (mode === "title") {
        for (var i = 0; i < total; i++) { o[rows[i][K.title]] = i; }  // the rank is the position
      } else {
        o.sort(function (a, b) {
          var da = rows[a][K.date] || 1e9, db = rows[b][K.date] || 1e9;
          return da - db || rows[a][K.title] - rows[b][K.title];
        });
      }
      orders[mode] = o;
    }
    order = orders[mode];
    currentSort = mode;
  }

  // Only the first PAGE matching papers are in the document ("Show more" adds a page); the
  // others wait outside it. So a filter touches and lays out a few hundred papers, never
  // 10,000, whatever the size of the list.
  var PAGE = 100;
  var limit = PAGE;
  var more = document.createElement("li");
  more.className = "more-papers";
  more.hidden = true;
  var moreButton = document.createElement("button");
  moreButton.type = "button";
  more.appendChild(moreButton);
  list.appendChild(more);
  var pinned = -1;  // a paper opened by its anchor stays shown
  var attached = items.slice();

  function render(shown) {
    var same = shown.length === attached.length;
    for (var n = 0; same && n < shown.length; n++) { same = attached[n] === items[shown[n]]; }
    if (same) { return; }
    var frag = document.createDocumentFragment();
    attached = shown.map(function (i) { frag.appendChild(items[i]); return items[i]; });
    while (list.firstChild && list.firstChild !== more) { list.removeChild(list.firstChild); }
    list.insertBefore(frag, more);
  }

  function apply(fromUser, keepLimit) {
    var t0 = performance.now();
    var s = readControls();
    if (!keepLimit) { limit = PAGE; }
    sortOrder(s.sort || "new");
    var terms = fold(s.q).split(" ").filter(Boolean);
    var from = year(s.from), to = year(s.to);
    var shown = [], matched = 0;
    for (var n = 0; n < total; n++) {
      var i = order[n];
      var r = rows[i];
      var ok = (!s.code || r[K.code] === 1) && (!s.kind || r[K.kind] === s.kind) &&
        (!s.section || r[K.sections].indexOf(s.section) !== -1) &&
        (from === null || (r[K.year] && r[K.year] >= from)) && (to === null || (r[K.year] && r[K.year] <= to));
      for (var j = 0; ok && j < terms.length; j++) { ok = texts[i].indexOf(terms[j]) !== -1; }
      if (ok) { matched++; }
      if ((ok && matched <= limit) || i === pinned) { shown.push(i); }
    }
    render(shown);
    var rest = matched - Math.min(matched, limit);
    more.hidden = rest <= 0;
    moreButton.textContent = "Show " + Math.min(rest, PAGE) + " more (" + rest + " not shown)";
    status.textContent = (matched === total ? total + " papers" : matched + " of " + total + " papers") +
      (shown.length < matched ? ", showing " + shown.length : "");
    none.hidden = matched !== 0;
    if (fromUser) {
      var h = hashFromState(s);
      var url = window.location.pathname + window.location.search + h;
      if (window.location.hash !== h) { history.replaceState(null, "", url); }
    }
    window.pathbibMatched = matched;
    window.pathbibFilterMs = performance.now() - t0;
  }

  function restore() {
    var s = stateFromHash();
    if (s) { writeControls(s); }
    var id = !s && window.location.hash.length > 1 ? decodeURIComponent(window.location.hash.slice(1)) : "";
    pinned = id ? items.findIndex(function (li) { return li.id === id; }) : -1;
    var target = pinned >= 0 ? items[pinned] : null;
    apply(false);
    if (target) { target.scrollIntoView(); }
  }

  var pending = 0;
  function schedule() {
    if (pending) { return; }
    pending = window.requestAnimationFrame(function () { pending = 0; apply(true); });
  }

  function copy(button) {
    var i = items.indexOf(button.closest(".paper"));
    var which = button.getAttribute("data-copy") === "a" ? "a" : "b";
    var label = button.textContent;
    function done(msg) {
      button.textContent = msg;
      status.textContent = msg;
      window.setTimeout(function () { button.textContent = label; }, 1500);
    }
    if (i < 0 || !navigator.clipboard || !window.DecompressionStream) {
      done("Copy failed: use the download links above");
      return;
    }
    loadCitations().then(function (c) {
      return navigator.clipboard.writeText(c[which][i]);
    }).then(function () { done("Copied"); }, function () { done("Copy failed: use the download links above"); });
  }

  form.hidden = false;
  moreButton.addEventListener("click", function () { limit += PAGE; apply(false, true); });
  list.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button.copy");
    if (b) { copy(b); }
  });
  el.q.addEventListener("input", schedule);
  [el.section, el.from, el.to, el.kind, el.code, el.sort].forEach(function (c) {
    c.addEventListener("change", function () { apply(true); });
    c.addEventListener("input", schedule);
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
  window.addEventListener("hashchange", function () { restore(); });
  window.pathbibApply = function () { apply(true); return window.pathbibFilterMs; };
  restore();
  if (window.DecompressionStream) { window.setTimeout(loadCitations, 0); }
}());
