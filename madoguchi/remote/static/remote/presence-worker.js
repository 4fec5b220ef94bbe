// Staff presence heartbeats (madoguchi/remote/presence.py), from a dedicated worker: a worker's timers are
// not throttled like a background tab's, so a staff member whose page sits behind another tab stays present.
"use strict";
let config = null;
let timer = null;

async function beat() {
  if (!config) return;
  try {
    const response = await fetch(config.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": config.csrf,
        "X-Madoguchi-Background": "1",
      },
      body: JSON.stringify({ tab: config.tab }),
    });
    if (response.status === 403 || response.type === "opaqueredirect") {
      clearInterval(timer); // signed out: nothing to keep alive
      postMessage({ stopped: true });
      return;
    }
    if (response.ok) postMessage(await response.json());
  } catch (error) {
    // the network is down: the next beat tries again; the server counts the page gone meanwhile
  }
}

onmessage = (event) => {
  config = event.data;
  if (timer) clearInterval(timer);
  beat();
  timer = setInterval(beat, config.every * 1000);
};
