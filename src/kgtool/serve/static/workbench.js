// kgtool serve's workbench: YASGUI over this server's /query, the named queries one click away,
// IRIs in results linked to their entity page. Reaches this server only (no CDN, no LOV, no prefix.cc).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kgtool-config").textContent);
  var root = document.getElementById("yasgui");
  var origin = window.location.origin;

  // Only the completers that stay on this machine: variables, and prefixes from the home
  // (/prefixes). The class and property completers ask lov.linkeddata.es; Yasgui merges its
  // yasqe options into these defaults, so they are replaced here, not in the options.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: origin + "/query", method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null, // every visit starts from the home's own first query
    populateFromUrl: true, // a shared link (the share button) opens its query
    autofocus: true,
    yasqe: {
      value: config.initialQuery,
      prefixCcApi: origin + "/prefixes",
    },
    yasr: { prefixes: config.prefixes },
  });
  window.kgtoolYasgui = yasgui;

  // An IRI in the results table opens its entity page on this server.
  function relink() {
    root.querySelectorAll("a.iri").forEach(function (a) {
      var iri = a.getAttribute("href");
      if (!iri || a.hasAttribute("data-iri")) return;
      a.setAttribute("data-iri", iri);
      a.setAttribute("href", "/entity?iri=" + encodeURIComponent(iri));
      a.removeAttribute("target");
    });
  }
  new MutationObserver(relink).observe(root, { childList: true, subtree: true });
  // A truncated cell expands on its first click and swallows it (YASR's ellipsis): a click on
  // the link itself goes to the entity page instead (kgtool.css lets the pointer reach it).
  root.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.iri[data-iri]") : null;
    if (link) event.stopPropagation();
  }, true);

  // A named query: into the editor, and run.
  document.querySelectorAll("button.named-query").forEach(function (button) {
    button.addEventListener("click", function () {
      var yasqe = yasgui.getTab().getYasqe();
      yasqe.setValue(config.queries[button.getAttribute("data-name")]);
      yasqe.query();
    });
  });
})();
