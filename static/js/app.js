// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Selects marked data-autosubmit submit their form on change (language,
  // role), so no extra button is needed when scripts run.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // The menu button opens the navigation on narrow screens.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-menu-toggle]");
    if (!btn) return;
    var open = document.body.classList.toggle("menu-open");
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
// Read-only fields holding URLs to copy select themselves on focus.
document.addEventListener("focusin", function (e) {
  if (e.target.matches && e.target.matches("input[data-select-on-focus]")) e.target.select();
});
