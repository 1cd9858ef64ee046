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
// Destructive actions confirm in place (views.ConfirmAction, a <details>):
// "Não, voltar" and Escape close the step and give focus back to its button.
(function () {
  "use strict";
  function close(d) {
    d.open = false;
    var s = d.querySelector("summary");
    if (s) s.focus();
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-confirm-dismiss]");
    if (b) close(b.closest("details"));
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var d = e.target.closest && e.target.closest("details[data-confirm-action][open]");
    if (d) close(d);
  });
})();
// Read-only fields holding URLs to copy select themselves on focus.
document.addEventListener("focusin", function (e) {
  if (e.target.matches && e.target.matches("input[data-select-on-focus]")) e.target.select();
});
// Upload dropzone: drop a file onto the label, show the chosen file's name.
(function () {
  function setName(input) {
    var zone = input.form && input.form.querySelector("[data-file-name]");
    if (zone) zone.textContent = input.files && input.files[0] ? input.files[0].name : "";
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input[type=file]")) setName(e.target);
  });
  ["dragenter", "dragover"].forEach(function (ev) {
    document.addEventListener(ev, function (e) {
      var zone = e.target.closest && e.target.closest("[data-dropzone]");
      if (!zone) return;
      e.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    document.addEventListener(ev, function (e) {
      var zone = e.target.closest && e.target.closest("[data-dropzone]");
      if (!zone) return;
      e.preventDefault();
      zone.classList.remove("over");
      if (ev === "drop" && e.dataTransfer && e.dataTransfer.files.length) {
        var input = document.getElementById(zone.getAttribute("for"));
        input.files = e.dataTransfer.files;
        setName(input);
      }
    });
  });
  // Upload forms refuse a file over the limit before it travels: the
  // server refuses it too, but only once the browser has started sending.
  // The message names both sizes, formatted as the server does.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var max = form.getAttribute && Number(form.getAttribute("data-max-bytes"));
    if (!max) return;
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    var old = form.parentNode.querySelector("[data-upload-error]");
    if (!file || file.size <= max) {
      if (old) old.remove();
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    var mb = file.size / 1048576;
    var size = (mb >= 10 ? String(Math.round(mb)) : (Math.round(mb * 10) / 10).toLocaleString(document.documentElement.lang || "pt-BR")) + " MB";
    var box = old || document.createElement("div");
    box.className = "alert alert-error";
    box.setAttribute("role", "alert");
    box.setAttribute("data-upload-error", "");
    box.textContent = form.getAttribute("data-too-large").replace("{size}", size);
    if (!old) form.parentNode.insertBefore(box, form);
  }, true);
  // Choosing another sheet reloads the mapping preview for it.
  document.addEventListener("change", function (e) {
    var base = e.target.getAttribute && e.target.getAttribute("data-sheet-switch");
    if (base) window.location = base + encodeURIComponent(e.target.value);
  });
})();
