// Opens the manifest given as ?manifest=<url> in Mirador 4 (used by tests/browser/test_iiif_mirador.py).
(function () {
  "use strict";
  var manifest = new URLSearchParams(window.location.search).get("manifest");
  window.miradorInstance = Mirador.viewer({
    id: "mirador",
    windows: [{ manifestId: manifest }],
    window: { allowClose: false, defaultSideBarPanel: "info", sideBarOpenByDefault: true },
    workspaceControlPanel: { enabled: false },
  });
})();
