// Progressive enhancement of the document list (the page works without it):
// - a facet checkbox or the sort order applies at once (without JavaScript, "Apply filters");
//   the keyboard focus returns to the changed control once the new page loads;
// - on narrow screens the filter panel closes into a bar above the results;
// - long facets get a filter box; typing in it first loads all the facet's values (the same
//   page as its "Show more" link) and then shows those whose name contains what was typed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (!form) return;
  var focusKey = "catalogue-filters-focus";
  var narrow = window.matchMedia("(max-width: 50rem)");

  function restoreFocus() {
    try {
      var id = window.sessionStorage.getItem(focusKey);
      window.sessionStorage.removeItem(focusKey);
      var control = id && document.getElementById(id);
      if (!control) return;
      var panel = control.closest("details");
      if (panel) panel.open = true;
      control.focus();
    } catch (error) {
      // Storage may be disabled; focus simply starts at the top of the page.
    }
  }

  function applyOnChange() {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (!target.matches('input[type="checkbox"], select')) return;
      try {
        window.sessionStorage.setItem(focusKey, target.id);
      } catch (error) {}
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  }

  // Shorter, shareable URLs: leave out empty fields and the default sort order.
  function tidyQuery() {
    form.addEventListener("formdata", function (event) {
      var data = event.formData;
      var sort = form.querySelector("select[name=sort]");
      Array.from(data.keys()).forEach(function (name) {
        var values = data.getAll(name).filter(function (value) { return value !== ""; });
        if (name === "sort" && sort && values.length === 1 && values[0] === sort.getAttribute("data-default")) values = [];
        data.delete(name);
        values.forEach(function (value) { data.append(name, value); });
      });
    });
  }

  function collapseOnNarrowScreens() {
    var browse = document.querySelector("[data-browse]");
    var panel = document.querySelector("[data-filters-panel]");
    if (!browse || !panel) return;
    browse.setAttribute("data-enhanced", "");
    function follow() {
      panel.open = !narrow.matches;
    }
    follow();
    if (narrow.addEventListener) narrow.addEventListener("change", follow);
    // On wide screens the panel is a plain column: keep it open.
    panel.addEventListener("toggle", function () {
      if (!narrow.matches && !panel.open) panel.open = true;
    });
  }

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filterValues(fieldset, query) {
    var wanted = plain(query.trim());
    var shown = 0;
    fieldset.querySelectorAll("li").forEach(function (item) {
      var label = item.querySelector("label");
      var match = !wanted || plain(label ? label.textContent : "").indexOf(wanted) >= 0;
      item.hidden = !match;
      if (match) shown += 1;
    });
    var status = fieldset.querySelector("[data-facet-status]");
    if (status) status.textContent = wanted ? shown + " shown" : "";
  }

  function loadAllValues(fieldset) {
    var url = fieldset.getAttribute("data-more-url");
    if (!url) return Promise.resolve();
    fieldset.removeAttribute("data-more-url");
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var loaded = page.getElementById(fieldset.id);
        var list = loaded && loaded.querySelector("ul");
        if (!list) return;
        fieldset.querySelector("ul").replaceWith(document.importNode(list, true));
        var toggle = fieldset.querySelector(".facet-toggle");
        if (toggle) toggle.remove();
      })
      .catch(function () {
        fieldset.setAttribute("data-more-url", url); // try again on the next key
      });
  }

  function addFilterBoxes() {
    form.querySelectorAll("fieldset[data-filterable]").forEach(function (fieldset) {
      var legend = fieldset.querySelector("legend");
      var name = legend ? legend.textContent.trim() : "values";
      var box = document.createElement("input");
      box.type = "search";
      box.className = "facet-search";
      box.id = "facet-search-" + fieldset.id;
      box.setAttribute("aria-label", "Filter the values of " + name);
      box.placeholder = "Filter " + name.toLowerCase() + "…";
      box.autocomplete = "off";
      var status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("data-facet-status", "");
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault(); // the box is not a filter itself
      });
      box.addEventListener("input", function () {
        loadAllValues(fieldset).then(function () {
          filterValues(fieldset, box.value);
        });
      });
      var list = fieldset.querySelector("ul");
      fieldset.insertBefore(box, list);
      fieldset.insertBefore(status, list);
    });
  }

  applyOnChange();
  tidyQuery();
  collapseOnNarrowScreens();
  addFilterBoxes();
  restoreFocus();
})();
