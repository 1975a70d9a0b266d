/* Citation box: switch styles in place and copy the citation. Without JavaScript the style links
   reload the page with ?style=… and the text can be selected by hand. */
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function visiblePanel(box) {
    return box.querySelector("[data-citation-panel]:not([hidden])");
  }

  function showStyle(box, key) {
    box.querySelectorAll("[data-citation-panel]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-citation-panel") !== key;
    });
    box.querySelectorAll("[data-citation-style]").forEach(function (link) {
      if (link.getAttribute("data-citation-style") === key) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("style", key);
      url.hash = "cite";
      window.history.replaceState(null, "", url.toString());
    }
  }

  function copyCitation(box, status) {
    var text = visiblePanel(box).querySelector("[data-citation-text]");
    var plain = text.getAttribute("data-citation-text");
    function fallback() {
      selectText(text);
      status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(plain).then(function () {
        status.textContent = "Citation copied.";
      }, fallback);
    } else {
      fallback();
    }
  }

  document.querySelectorAll("[data-citation-box]").forEach(function (box) {
    var button = box.querySelector("[data-citation-copy]");
    var status = box.querySelector("[data-citation-status]");
    box.querySelectorAll("[data-citation-style]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        showStyle(box, link.getAttribute("data-citation-style"));
        status.textContent = "";
      });
    });
    button.hidden = false;
    button.addEventListener("click", function () {
      copyCitation(box, status);
    });
  });
})();
