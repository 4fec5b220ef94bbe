// Postal code → address: fills the prefecture, city and town fields that are still empty.
// The lookup uses the address data bundled with the server (no external service).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-postal]")) return;
    var prefix = input.getAttribute("data-postal");
    var url = input.getAttribute("data-postal-url") + "?code=" + encodeURIComponent(input.value);
    var message = document.getElementById(input.id + "-lookup");
    if (!message) {
      message = document.createElement("p");
      message.id = input.id + "-lookup";
      message.className = "field__help";
      message.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", message);
    }
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) { message.textContent = data.error; return; }
        var first = data.candidates[0];
        ["prefecture", "city", "town"].forEach(function (part) {
          var field = document.getElementById(prefix + "-" + part);
          if (field && !field.value) field.value = first[part];
        });
        message.textContent = data.candidates.length > 1
          ? data.candidates.length + " 件の町域があります：" + data.candidates.map(function (c) { return c.town; }).join("、")
          : first.prefecture + first.city + first.town;
      })
      .catch(function () { message.textContent = ""; });
  });
})();
