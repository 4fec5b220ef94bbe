/* The resident's wait page: keeps "N people ahead" and the estimate up to date from the office's board
 * stream, which carries each queue's waiting numbers in call order and its measured call rate.
 *
 * The page works its own place out from each message and only asks the server (the status fragment) when
 * what it shows changes shape: its ticket was called, transferred or otherwise left the waiting list, the
 * "your turn is near" notice appears, or the estimate appears or changes its basis. "N people ahead" is
 * worded from the page's own forms for 1 and for other numbers. A city's three hundred waiting phones thus cost the server nothing per call.
 */
(function () {
  "use strict";
  var root = document.getElementById("wait-status");
  if (!root || !window.madoguchiLive) return;
  // the wait page's own address: after a mistyped contact the address bar shows the form's (POST only)
  var refresh = window.madoguchiRefresh(root, "status", root.dataset.pageUrl);
  var offline = document.querySelector("[data-live-status]");
  var nearAhead = parseInt(root.dataset.nearAhead, 10);
  var wasOnBoard = null;
  var missing = false;  // the last message did not list this ticket: asked once, not after every message

  function minutesFor(ahead, interval) {
    // as the server's waiting.minutes_for: whole minutes, halves rounded up, at least 1
    if (interval === null || interval === undefined) return null;
    return Math.max(1, Math.floor((ahead + 1) * interval / 60 + 0.5));
  }

  function replaceNumber(element, before, after) {
    if (!element || before === after) return;
    element.textContent = element.textContent.replace(
      new RegExp("(^|\\D)" + before + "(?!\\d)"), "$1" + after);
  }

  function waiting(panel, queue) {
    var ahead = queue ? queue.order.indexOf(parseInt(panel.dataset.number, 10)) : -1;
    if (ahead < 0) {  // called, transferred, or no longer waiting (or a ticket of an earlier day)
      if (!missing) refresh();
      missing = true;
      return;
    }
    missing = false;
    var stat = panel.querySelector("[data-ahead]");
    var estimate = panel.querySelector("[data-minutes]");
    var shown = stat ? parseInt(stat.dataset.ahead, 10) : NaN;
    var minutes = minutesFor(ahead, queue.interval_s);
    var near = ahead <= nearAhead ? "1" : "0";
    var sameShape = stat &&
      panel.dataset.basis === queue.basis &&
      panel.dataset.near === near &&
      (minutes === null) === (estimate === null);
    if (!sameShape) { refresh(); return; }
    if (ahead !== shown) {
      stat.textContent = (ahead === 1 ? stat.dataset.one : stat.dataset.other).replace("{n}", String(ahead));
      stat.dataset.ahead = String(ahead);
    }
    if (estimate && minutes !== null) {
      replaceNumber(estimate, estimate.dataset.minutes, String(minutes));
      estimate.dataset.minutes = String(minutes);
    }
  }

  window.madoguchiLive(root.dataset.waitUrl, function (data) {
    if (!data || !data.state) return;
    var panel = root.querySelector("[data-status]");
    if (!panel) return;
    // the ticket followed is the panel's: after a hand-over to another counter, the new one
    var ticket = panel.dataset.ticket;
    // every call since the last message (the wait page's stream sends at most one a second)
    var calls = data.chimes || (data.chime ? [data.chime] : []);
    var mine = calls.some(function (call) { return call.id === ticket; });
    var onBoard = data.state.calls.some(function (call) { return call.id === ticket; });
    if (panel.dataset.status === "waiting") {
      var queue = data.state.queues.filter(function (q) { return q.code === panel.dataset.queue; })[0];
      if (mine) { refresh(); } else { waiting(panel, queue); }
    } else if (mine || (wasOnBoard !== null && onBoard !== wasOnBoard)) {
      refresh();  // called again, or the call ended (served, no-show, handed over to another counter)
    }
    wasOnBoard = onBoard;
  }, function (state) {
    root.dataset.connection = state;
    if (offline) offline.hidden = state === "open";
  });
})();
