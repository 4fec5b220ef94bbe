// Keeps the preparation's draft in this browser (localStorage) so that a reload or Back does not lose it,
// and erases it when the resident finishes or starts over. The server keeps nothing before "finish".
(function () {
  "use strict";
  var KEY = "madoguchi-preparation-draft";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) { return; }
  if (document.querySelector("[data-draft-finished]")) { store.removeItem(KEY); }
  var form = document.querySelector("form[data-draft-store]");
  if (form) {
    var draft = form.querySelector("input[name=draft]");
    var step = form.querySelector("input[name=step]");
    var saved = store.getItem(KEY);
    var fresh = draft && step && step.value === "event" && !document.querySelector(".prep-errors");
    var blank = draft && JSON.parse(draft.value || "{}").event === "";
    if (saved && fresh && blank) {
      var restore = document.createElement("p");
      restore.className = "notice notice--info";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary";
      button.textContent = document.documentElement.lang === "en" ? "Continue where you left off" : "前回の続きから入力する";
      button.addEventListener("click", function () {
        var state = JSON.parse(saved);
        draft.value = JSON.stringify(state.draft);
        step.value = state.step;
        var go = document.createElement("input");
        go.type = "hidden"; go.name = "go"; go.value = "stay";
        form.appendChild(go);
        form.submit();
      });
      restore.appendChild(button);
      form.insertBefore(restore, form.querySelector("h1").nextSibling);
    } else if (draft && !blank) {
      store.setItem(KEY, JSON.stringify({ draft: JSON.parse(draft.value), step: step.value }));
    }
    var once = form.querySelector("[data-once]");
    form.addEventListener("submit", function (event) {
      if (once && event.submitter === once) {
        if (once.dataset.sent) { event.preventDefault(); return; }
        once.dataset.sent = "1";
      }
    });
  }
  var erase = document.querySelector("form[data-draft-erase]");
  if (erase) { erase.addEventListener("submit", function () { store.removeItem(KEY); }); }
  var errors = document.getElementById("prep-errors");
  if (errors) { errors.focus(); }
})();
