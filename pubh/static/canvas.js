/* Canvas highlighting: hovering or focusing an item marks it (is-active) and every item
   it is linked to (is-linked), in both directions: the ids in its data-links, and every
   item whose data-links name it. The canvas is fully readable without this script. */
(function () {
  "use strict";

  var canvas = document.querySelector("[data-vpc-canvas]");
  if (!canvas) {
    return;
  }

  var marked = [];
  var hovered = null;

  function itemOf(node) {
    var item = node && node.closest ? node.closest("[data-links]") : null;
    return item && canvas.contains(item) ? item : null;
  }

  function linkedTo(item) {
    var found = [];
    var ids = (item.getAttribute("data-links") || "").split(/\s+/);
    for (var i = 0; i < ids.length; i += 1) {
      var target = ids[i] && document.getElementById(ids[i]);
      if (target && target !== item) {
        found.push(target);
      }
    }
    // Items that name this one (a product's relievers and creators, say).
    var naming = canvas.querySelectorAll("[data-links]");
    for (var j = 0; j < naming.length; j += 1) {
      var other = naming[j];
      if (other !== item && (" " + other.getAttribute("data-links") + " ").indexOf(" " + item.id + " ") !== -1) {
        found.push(other);
      }
    }
    return found;
  }

  function clear() {
    for (var i = 0; i < marked.length; i += 1) {
      marked[i].classList.remove("is-active", "is-linked");
    }
    marked = [];
    canvas.classList.remove("has-active");
  }

  function show(item) {
    clear();
    if (!item) {
      return;
    }
    item.classList.add("is-active");
    marked.push(item);
    var linked = linkedTo(item);
    for (var i = 0; i < linked.length; i += 1) {
      linked[i].classList.add("is-linked");
      marked.push(linked[i]);
    }
    canvas.classList.add("has-active");
  }

  // Focus wins when the pointer leaves, so keyboard users keep their highlight.
  function focusedItem() {
    return itemOf(document.activeElement);
  }

  canvas.addEventListener("mouseover", function (event) {
    var item = itemOf(event.target);
    if (item && item !== hovered) {
      hovered = item;
      show(item);
    }
  });

  canvas.addEventListener("mouseout", function (event) {
    var item = itemOf(event.target);
    if (item && !item.contains(event.relatedTarget)) {
      hovered = itemOf(event.relatedTarget);
      show(hovered || focusedItem());
    }
  });

  canvas.addEventListener("focusin", function (event) {
    show(itemOf(event.target));
  });

  canvas.addEventListener("focusout", function (event) {
    var next = itemOf(event.relatedTarget);
    show(next || hovered);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      hovered = null;
      clear();
    }
  });
})();
