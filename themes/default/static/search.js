/* vpcsite search: the box in the header of every page.

   Nothing loads until the box is first used (focus or typing): then the MiniSearch
   library and the site's index (data/search-index.js) are added as scripts, which
   works from files opened directly, where XHR and fetch are refused, as well as from
   a server. The index is built in the browser from the documents the script holds.
   Results are a list of links: Arrow keys move between them and the box, Escape
   closes the list. Without JavaScript the box stays hidden. */
(function () {
  "use strict";

  var SECTIONS = {
    jobs: "Customer job",
    pains: "Pain",
    gains: "Gain",
    products: "Product or service",
    relievers: "Pain reliever",
    creators: "Gain creator",
    key_partners: "Key partner",
    key_activities: "Key activity",
    key_resources: "Key resource",
    customer_relationships: "Customer relationship",
    channels: "Channel",
    cost_structure: "Cost",
    revenue_streams: "Revenue stream"
  };
  var KINDS = {
    canvas: "Canvas",
    segment: "Customer segment",
    experiment: "Experiment",
    "business-model": "Business model",
    page: "Page"
  };
  var LIMIT = 20;

  /* An item's id when the index leaves it out: the slug of its (ASCII) text, as
     vpcsite makes it (vpcsite/render/search.py keeps the id whenever this differs). */
  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function setUp(box) {
    var root = box.getAttribute("data-root") || "";
    var input = box.querySelector("input");
    var panel = box.querySelector(".site-search__panel");
    var status = box.querySelector(".site-search__status");
    var list = box.querySelector(".site-search__results");
    var ready = null;
    var index = null;
    var docs = null;
    var pages = null;

    function load() {
      if (!ready) {
        status.textContent = "Loading the search index\u2026";
        ready = Promise.all([
          window.MiniSearch ? null : loadScript(root + "static/vendor/minisearch/minisearch.js"),
          window.vpcsiteSearch ? null : loadScript(root + "data/search-index.js")
        ]).then(function () {
          var data = window.vpcsiteSearch;
          pages = data.pages;
          docs = data.docs;
          index = new window.MiniSearch({
            fields: ["title", "text"],
            extractField: function (doc, field) {
              if (field === "id") { return doc; }
              var entry = docs[doc];
              return field === "title" ? entry[3] : entry[4];
            },
            searchOptions: { boost: { title: 2 }, prefix: true, fuzzy: function (term) { return term.length > 4 ? 0.2 : false; }, combineWith: "AND" }
          });
          var ids = [];
          for (var i = 0; i < docs.length; i++) { ids.push(i); }
          index.addAll(ids);
        }).catch(function () {
          status.textContent = "Search is not available: its index could not be loaded.";
          ready = null;
          return Promise.reject();
        });
      }
      return ready;
    }

    function close() {
      panel.hidden = true;
    }

    /* The panel hangs from the box's right edge; where the header has wrapped and put
       the box at the left, that would push it off the screen: it hangs from the left
       edge then. */
    function open() {
      panel.classList.remove("site-search__panel--start");
      panel.hidden = false;
      if (panel.getBoundingClientRect().left < 0) {
        panel.classList.add("site-search__panel--start");
      }
    }

    function entryOf(number) {
      var doc = docs[number];
      var page = pages[doc[0]];
      var where = doc[1] ? (SECTIONS[doc[1]] || doc[1]) + " \u00b7 " + page[1] : (KINDS[page[2]] || page[2]);
      var href = root + page[0] + (doc[1] ? "#vpc-" + doc[1] + "-" + (doc[2] || slug(doc[3])) : "");
      return { title: doc[3], where: where, href: href };
    }

    function show(query) {
      list.textContent = "";
      if (!query.trim()) {
        close();
        return;
      }
      var found = index.search(query);
      var shown = found.slice(0, LIMIT);
      shown.forEach(function (hit) {
        var entry = entryOf(hit.id);
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = entry.href;
        link.className = "site-search__result";
        var title = document.createElement("span");
        title.className = "site-search__title";
        title.textContent = entry.title;
        var where = document.createElement("span");
        where.className = "site-search__where";
        where.textContent = entry.where;
        link.appendChild(title);
        link.appendChild(where);
        link.addEventListener("click", close);
        item.appendChild(link);
        list.appendChild(item);
      });
      if (!found.length) {
        status.textContent = "Nothing found for \u201c" + query + "\u201d.";
      } else if (found.length > LIMIT) {
        status.textContent = found.length + " results, the first " + LIMIT + " shown. Arrow keys move through them.";
      } else {
        status.textContent = found.length + (found.length === 1 ? " result" : " results") + ". Arrow keys move through them.";
      }
      open();
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a"));
    }

    function run() {
      var query = input.value;
      load().then(function () {
        if (input.value === query) { show(query); }
      }, function () {
        open();
      });
    }

    input.addEventListener("focus", function () { load().catch(function () {}); });
    input.addEventListener("input", run);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = links()[0];
      if (first) { first.click(); }
    });
    box.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        if (!panel.hidden) {
          close();
          input.focus();
          event.preventDefault();
        }
      } else if (event.key === "ArrowDown" && all.length) {
        open();
        all[Math.min(at + 1, all.length - 1)].focus();
        event.preventDefault();
      } else if (event.key === "ArrowUp" && all.length) {
        if (at <= 0) { input.focus(); } else { all[at - 1].focus(); }
        event.preventDefault();
      }
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) { close(); }
    });
    box.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !box.contains(event.relatedTarget)) { close(); }
    });
    box.hidden = false;
  }

  /* Landing on an item (#vpc-...): the browser scrolls every ancestor to bring it into
     view, clipped drawings too (overflow: hidden still scrolls), which shifts their
     content out of its shape. Put those back and scroll the page alone. */
  function land() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && id.indexOf("vpc-") === 0 ? document.getElementById(id) : null;
    if (!target) { return; }
    var moved = false;
    for (var node = target.parentElement; node && node !== document.body; node = node.parentElement) {
      if ((node.scrollTop || node.scrollLeft) && getComputedStyle(node).overflowY === "hidden") {
        node.scrollTop = 0;
        node.scrollLeft = 0;
        moved = true;
      }
    }
    if (moved) { target.scrollIntoView({ block: "center" }); }
  }

  function start() {
    var boxes = document.querySelectorAll("[data-search]");
    for (var i = 0; i < boxes.length; i++) { setUp(boxes[i]); }
    land();
    window.addEventListener("hashchange", land);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
