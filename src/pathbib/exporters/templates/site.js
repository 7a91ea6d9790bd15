(function () {
  "use strict";
  // pathbib page script: filters, sorts and copies; the list itself is plain HTML.
  // The view is kept in the URL hash as "#?q=...&section=...&from=...&to=...&kind=...&code=1&sort=...";
  // any other hash is a paper's anchor and is left alone.
  var K = { text: 0, year: 1, date: 2, sections: 3, kind: 4, code: 5, title: 6 };
  var rows = JSON.parse(document.getElementById("pb-data").textContent).rows;
  var list = document.getElementById("results");
  var items = Array.prototype.slice.call(list.children);
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

  function sortItems(mode) {
    if (mode === currentSort) { return; }
    var order = items.map(function (_, i) { return i; });
    if (mode === "title") {
      order.sort(function (a, b) { return rows[a][K.title] - rows[b][K.title]; });
    } else if (mode === "old") {
      order.sort(function (a, b) {
        var da = rows[a][K.date] || 1e9, db = rows[b][K.date] || 1e9;
        return da - db || rows[a][K.title] - rows[b][K.title];
      });
    }
    var frag = document.createDocumentFragment();
    order.forEach(function (i) { frag.appendChild(items[i]); });
    list.appendChild(frag);
    currentSort = mode;
  }

  function apply(fromUser) {
    var t0 = performance.now();
    var s = readControls();
    var terms = fold(s.q).split(" ").filter(Boolean);
    var from = year(s.from), to = year(s.to);
    var shown = 0;
    for (var i = 0; i < total; i++) {
      var r = rows[i];
      var ok = (!s.code || r[K.code] === 1) && (!s.kind || r[K.kind] === s.kind) &&
        (!s.section || r[K.sections].indexOf(s.section) !== -1) &&
        (from === null || (r[K.year] && r[K.year] >= from)) && (to === null || (r[K.year] && r[K.year] <= to));
      for (var j = 0; ok && j < terms.length; j++) { ok = texts[i].indexOf(terms[j]) !== -1; }
      if (items[i].hidden === ok) { items[i].hidden = !ok; }
      if (ok) { shown++; }
    }
    sortItems(s.sort || "new");
    status.textContent = shown === total ? total + " papers" : shown + " of " + total + " papers";
    none.hidden = shown !== 0;
    if (fromUser) {
      var h = hashFromState(s);
      var url = window.location.pathname + window.location.search + h;
      if (window.location.hash !== h) { history.replaceState(null, "", url); }
    }
    window.pathbibFilterMs = performance.now() - t0;
  }

  function restore() {
    var s = stateFromHash();
    if (s) { writeControls(s); }
    apply(false);
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
  window.addEventListener("hashchange", function () { if (stateFromHash()) { restore(); } });
  window.pathbibApply = function () { apply(true); return window.pathbibFilterMs; };
  restore();
  if (window.DecompressionStream) { window.setTimeout(loadCitations, 0); }
}());
