// Composer: the field chips insert {{field}} where the cursor is. Counting
// is not done here: htmx posts the text to the server, whose segment
// counter is the one authority, on every input event this raises too.
(function () {
  "use strict";
  // A text box nobody has clicked into yet gets fields at its end.
  document.addEventListener("focusin", function (e) {
    if (e.target.id === "compose-body") e.target.setAttribute("data-touched", "1");
  });
  document.addEventListener("click", function (e) {
    var chip = e.target.closest && e.target.closest("[data-insert]");
    if (!chip) return;
    var box = document.getElementById(chip.getAttribute("data-insert-into"));
    if (!box || box.readOnly || box.disabled) return;
    var text = chip.getAttribute("data-insert");
    var start = box.selectionStart, end = box.selectionEnd;
    if (!box.hasAttribute("data-touched")) start = end = box.value.length;
    box.focus();
    box.setSelectionRange(start, end);
    // insertText keeps the browser's undo history (Ctrl+Z removes the
    // field again) and raises the input event itself.
    var done = false;
    try { done = document.execCommand("insertText", false, text); } catch (err) { done = false; }
    if (!done || box.value.slice(start, start + text.length) !== text) {
      box.setRangeText(text, start, end, "end");
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
})();
