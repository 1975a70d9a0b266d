// Progressive enhancement of the document list: submit the filter form as soon as a facet
// checkbox or the sort order changes (without JavaScript the "Apply filters" button does it),
// and put the keyboard focus back on the control that was changed once the new page loads.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (!form) return;
  var key = "catalogue-filters-focus";

  try {
    var id = window.sessionStorage.getItem(key);
    window.sessionStorage.removeItem(key);
    var control = id && document.getElementById(id);
    if (control) control.focus();
  } catch (error) {
    // Storage may be disabled; focus simply starts at the top of the page.
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches('input[type="checkbox"], select')) return;
    try {
      window.sessionStorage.setItem(key, target.id);
    } catch (error) {}
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });
})();
