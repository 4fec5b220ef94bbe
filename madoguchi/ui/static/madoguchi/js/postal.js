// Postal code → address: fills the prefecture, city and town fields that are still empty.
// The lookup uses the address data bundled with the server (no external service).
// A postal code shared by several towns fills only what they share and offers the towns to choose from:
// taking the first one silently would put the resident at a wrong address.
(function () {
  "use strict";
  function fill(prefix, candidate, parts) {
    parts.forEach(function (part) {
      var field = document.getElementById(prefix + "-" + part);
      if (field && !field.value) field.value = candidate[part];
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-postal]")) return;
    if (input.dataset.lookedUp === input.value) return;  // the same code again (a second change event)
    input.dataset.lookedUp = input.value;
    var prefix = input.getAttribute("data-postal");
    var url = input.getAttribute("data-postal-url") + "?code=" + encodeURIComponent(input.value);
    var message = document.getElementById(input.id + "-lookup");
    if (!message) {
      message = document.createElement("div");
      message.id = input.id + "-lookup";
      message.className = "field__help postal-lookup";
      message.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", message);
    }
    message.textContent = "";
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) { message.textContent = data.error; return; }
        var candidates = data.candidates;
        var first = candidates[0];
        if (candidates.length === 1) {
          fill(prefix, first, ["prefecture", "city", "town"]);
          message.textContent = first.prefecture + first.city + first.town;
          return;
        }
        var shared = ["prefecture", "city"].filter(function (part) {
          return candidates.every(function (c) { return c[part] === first[part]; });
        });
        fill(prefix, first, shared);
        var text = document.createElement("p");
        text.textContent = input.getAttribute("data-postal-choose");
        message.appendChild(text);
        candidates.forEach(function (candidate) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button button--secondary button--small postal-lookup__town";
          button.textContent = candidate.town;
          button.addEventListener("click", function () {
            ["prefecture", "city", "town"].forEach(function (part) {
              var field = document.getElementById(prefix + "-" + part);
              if (field) field.value = candidate[part];
            });
            message.textContent = candidate.prefecture + candidate.city + candidate.town;
            var town = document.getElementById(prefix + "-town");
            if (town) town.focus();
          });
          message.appendChild(button);
        });
      })
      .catch(function () { message.textContent = ""; });
  });
})();
