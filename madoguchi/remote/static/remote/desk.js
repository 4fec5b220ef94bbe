// The expert's desk: a consultation offered, answered by a colleague or withdrawn refreshes the list at
// once (the stream of the expert's skills), not at the next heartbeat.
"use strict";
(() => {
  const incoming = document.getElementById("incoming");
  if (!incoming) return;
  const events = new EventSource(incoming.dataset.stream);
  events.onmessage = () => document.body.dispatchEvent(new Event("madoguchi-queue"));
  document.addEventListener("madoguchi:offers", () => document.body.dispatchEvent(new Event("madoguchi-queue")));
})();
