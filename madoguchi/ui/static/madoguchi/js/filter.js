// Filters a list of choices as the user types (concierge purposes); no network, no inline handlers.
// An item matches on its text and its data-keywords (the procedures it covers, with their readings in
// hiragana), so 「児童手当」, 「じどうてあて」 and 「ジドウテアテ」 all find the life events that include it.
(function () {
  "use strict";
  function normalized(text) {
    // lower case, katakana → hiragana, full-width spaces → spaces
    return text.toLowerCase().replace(/[\u30a1-\u30f6]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0x60);
    }).replace(/\u3000/g, " ");
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-filter]")) return;
    var words = normalized(input.value.trim()).split(/\s+/).filter(Boolean);
    document.querySelectorAll(input.getAttribute("data-filter")).forEach(function (item) {
      var text = normalized(item.textContent + " " + (item.dataset.keywords || ""));
      item.hidden = words.some(function (word) { return text.indexOf(word) === -1; });
    });
  });
})();
