// Filters a list of choices as the user types (concierge purposes); no network, no inline handlers.
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-filter]")) return;
    var words = input.value.trim().toLowerCase();
    document.querySelectorAll(input.getAttribute("data-filter")).forEach(function (item) {
      item.hidden = words !== "" && item.textContent.toLowerCase().indexOf(words) === -1;
    });
  });
})();
