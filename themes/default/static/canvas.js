/* The canvas drawing, enhanced: hovering or focusing an item marks it (is-active) and
   every item it is linked to (is-linked), in both directions, draws a line to each of
   them over the drawing, and shows the item's entry from the lists below in a detail
   panel beside it. The drawing and lists read whole without this script; screen
   readers get each item's links from its description (aria-describedby). */
(function () {
  "use strict";

  // "Embed this canvas": a button that copies the <img> snippet (the text area stays
  // selectable by hand where the clipboard is not available).
  var snippet = document.querySelector(".vpc-embed__snippet");
  if (snippet && navigator.clipboard) {
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "vpc-embed__copy";
    copy.textContent = "Copy the snippet";
    copy.addEventListener("click", function () {
      snippet.select();
      navigator.clipboard.writeText(snippet.value).then(function () {
        copy.textContent = "Copied";
      });
    });
    snippet.insertAdjacentElement("afterend", copy);
  }

  var canvas = document.querySelector("[data-vpc-canvas]");
  if (!canvas) {
    return;
  }
  var SVG = "http://www.w3.org/2000/svg";
  var layer = canvas.querySelector(".vpc-links");
  var panel = canvas.querySelector(".vpc-panel");
  if (panel) {
    panel.inert = true; // a copy for the eye; the entry below is the one to use
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
      if (target && target !== item && canvas.contains(target)) {
        found.push(target);
      }
    }
    // Items that name this one (a product's relievers and creators, say).
    var naming = canvas.querySelectorAll("[data-links]");
    for (var j = 0; j < naming.length; j += 1) {
      var other = naming[j];
      if (other !== item && found.indexOf(other) === -1 && (" " + other.getAttribute("data-links") + " ").indexOf(" " + item.id + " ") !== -1) {
        found.push(other);
      }
    }
    return found;
  }

  function box(item) {
    var rect = item.querySelector("rect"); // the first is the box
    var x = parseFloat(rect.getAttribute("x"));
    var y = parseFloat(rect.getAttribute("y"));
    return { x: x, y: y, w: parseFloat(rect.getAttribute("width")), h: parseFloat(rect.getAttribute("height")) };
  }

  // A curve from the side of one box to the facing side of the other.
  function line(from, to) {
    var a = box(from);
    var b = box(to);
    var rightward = b.x + b.w / 2 > a.x + a.w / 2;
    var x1 = rightward ? a.x + a.w : a.x;
    var x2 = rightward ? b.x : b.x + b.w;
    if (Math.abs(x2 - x1) < 20) {
      // Boxes in one column (a product and its reliever): join them on their left side.
      x1 = a.x;
      x2 = b.x;
    }
    var y1 = a.y + a.h / 2;
    var y2 = b.y + b.h / 2;
    var bend = Math.max(30, Math.abs(x2 - x1) / 3);
    var c1 = x1 + (x1 === a.x && x2 === b.x ? -bend : rightward ? bend : -bend);
    var c2 = x2 + (x1 === a.x && x2 === b.x ? -bend : rightward ? -bend : bend);
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("class", "vpc-link");
    path.setAttribute("d", "M" + x1 + " " + y1 + "C" + c1 + " " + y1 + " " + c2 + " " + y2 + " " + x2 + " " + y2);
    layer.appendChild(path);
    var end = document.createElementNS(SVG, "circle");
    end.setAttribute("class", "vpc-link-end");
    end.setAttribute("cx", x2);
    end.setAttribute("cy", y2);
    end.setAttribute("r", 3.5);
    layer.appendChild(end);
  }

  function showPanel(item) {
    var entry = document.getElementById(item.id + "-entry");
    if (!panel || !entry) {
      return;
    }
    panel.innerHTML = entry.innerHTML;
    panel.hidden = false;
    var frame = canvas.getBoundingClientRect();
    var at = item.getBoundingClientRect();
    var width = panel.offsetWidth;
    var left = at.left - frame.left;
    if (left + width > frame.width) {
      left = Math.max(0, at.right - frame.left - width);
    }
    // An item half scrolled out of a grown drawing's frame: keep the panel in sight.
    left = Math.max(0, Math.min(left, frame.width - width));
    var top = at.bottom - frame.top + 6;
    if (top + panel.offsetHeight > frame.height && at.top - frame.top > panel.offsetHeight + 6) {
      top = at.top - frame.top - panel.offsetHeight - 6;
    }
    panel.style.left = left + "px";
    panel.style.top = top + "px";
  }

  function clear() {
    for (var i = 0; i < marked.length; i += 1) {
      marked[i].classList.remove("is-active", "is-linked");
    }
    marked = [];
    canvas.classList.remove("has-active");
    if (layer) {
      while (layer.firstChild) {
        layer.removeChild(layer.firstChild);
      }
    }
    if (panel) {
      panel.hidden = true;
      panel.textContent = "";
    }
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
      if (layer) {
        line(item, linked[i]);
      }
    }
    canvas.classList.add("has-active");
    showPanel(item);
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
