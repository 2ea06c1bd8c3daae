// vpcsite serve: reloads this page when a rebuild changed it, and lists the findings
// of a build that failed in an overlay until the content is fixed. Injected by the dev
// server only; never part of a built site.
(() => {
  "use strict";
  const here = (() => {
    let path = decodeURIComponent(location.pathname).replace(/^\//, "");
    if (path === "" || path.endsWith("/")) path += "index.html";
    return path;
  })();
  let shown = null;
  let last = null;

  function overlay(errors) {
    if (shown) shown.remove();
    shown = null;
    if (!errors.length) return;
    const box = document.createElement("div");
    box.id = "vpcsite-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0a0a;color:#fff;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;" +
      "padding:1rem 1.25rem;border-top:4px solid #e5484d;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
    const head = document.createElement("p");
    head.style.cssText = "margin:0 0 .5rem;font-weight:bold";
    head.textContent = `vpcsite: the last change did not build (${errors.length} ${errors.length === 1 ? "problem" : "problems"}); showing the last good version`;
    box.append(head);
    const list = document.createElement("ol");
    list.style.cssText = "margin:0;padding-left:1.5rem";
    for (const e of errors) {
      const item = document.createElement("li");
      item.style.margin = ".35rem 0";
      item.textContent = `${e.path}:${e.line}:${e.column}: ${e.severity} ${e.code} ${e.message}`;
      if (e.hint) {
        const hint = document.createElement("div");
        hint.style.color = "#ffb4b4";
        hint.textContent = `hint: ${e.hint}`;
        item.append(hint);
      }
      list.append(item);
    }
    box.append(list);
    document.body.append(box);
    shown = box;
  }

  const events = new EventSource("/__vpcsite/events");
  events.addEventListener("build", (message) => {
    const state = JSON.parse(message.data);
    const first = last === null;
    const previous = last;
    last = state.build;
    overlay(state.errors);
    if (first || state.errors.length || state.build === previous) return;
    const all = state.changed.some((url) => url.startsWith("static/"));
    if (all || state.changed.includes(here)) location.reload();
  });
})();
