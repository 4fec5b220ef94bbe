/* The counter screen's "waiting" count, kept live from the office's board stream (every message carries
 * each queue's waiting count), so that a clerk sees the queue grow without reloading. */
(function () {
  "use strict";
  var count = document.querySelector("[data-waiting-queue]");
  if (!count || !window.madoguchiLive) return;
  window.madoguchiLive(count.dataset.streamUrl, function (data) {
    if (!data || !data.state) return;
    var queue = data.state.queues.filter(function (q) { return q.code === count.dataset.waitingQueue; })[0];
    if (queue) count.textContent = String(queue.waiting);
  });
})();
