/* Live updates over server-sent events, with reconnection after network drops or server restarts.
 * EventSource retries by itself after a dropped connection; when the server answered with an error (it was
 * restarting) the browser gives up, so we open a new EventSource with a growing delay (1 s … 30 s).
 * Usage: madoguchiLive(url, onMessage, onState) — onState("open" | "reconnecting").
 */
(function () {
  "use strict";
  window.madoguchiLive = function (url, onMessage, onState) {
    var delay = 1000;
    var source = null;
    function connect() {
      source = new EventSource(url);
      source.onopen = function () { delay = 1000; if (onState) onState("open"); };
      source.onmessage = function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        onMessage(data);
      };
      source.onerror = function () {
        if (onState) onState("reconnecting");
        if (source.readyState === EventSource.CLOSED) {
          setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30000);
        }
      };
    }
    connect();
    window.addEventListener("online", function () {
      if (source && source.readyState === EventSource.CLOSED) { connect(); }
    });
  };

  /* Re-fetch a fragment of the page (its URL + ?part=NAME) and swap it in, at most once a second. `pageUrl`
   * names the page when the address bar may show another one (a form that answered with errors). */
  window.madoguchiRefresh = function (element, part, pageUrl) {
    var running = false, again = false, last = 0;
    function run() {
      running = true;
      again = false;
      var url = new URL(pageUrl || window.location.href, window.location.href);
      url.searchParams.set("part", part);
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null) { element.innerHTML = html; }
        })
        .catch(function () {})
        .finally(function () {
          running = false;
          last = Date.now();
          // A change announced while this fetch was on its way may not be in it: fetch once more.
          if (again) { schedule(); }
        });
    }
    function schedule() {
      setTimeout(run, Math.max(0, 1000 - (Date.now() - last)));
    }
    return function () {
      if (running) { again = true; return; }
      if (again) return;  // already scheduled
      again = true;
      schedule();
    };
  };

  /* Pages that only need "something changed: redraw this part": <div data-live-url=… data-live-part=…> */
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-url]").forEach(function (element) {
      var refresh = window.madoguchiRefresh(element, element.dataset.livePart);
      var status = document.querySelector("[data-live-status]");
      // Every message, the snapshot after a reconnect included, means: something changed, redraw.
      window.madoguchiLive(element.dataset.liveUrl, refresh, function (state) {
        if (status) status.hidden = state === "open";
      });
    });
  });
})();
