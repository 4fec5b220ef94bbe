// Printing a ticket without inline script (the Content-Security-Policy allows only these files):
// a button marked data-print prints the page; the kiosk's ticket page prints itself once loaded
// (its <script> tag carries data-print-on-load).
(function () {
  "use strict";
  var script = document.currentScript;
  if (script && script.hasAttribute("data-print-on-load")) {
    window.addEventListener("load", function () { window.print(); });
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target instanceof Element ? target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
