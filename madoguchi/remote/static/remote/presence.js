// Every staff page keeps its staff member present (madoguchi/remote/presence.py) and shows what rings for
// an expert: a consultation offered to them, with the button that answers it.
"use strict";
(() => {
  const body = document.body;
  const beatUrl = body.dataset.presenceBeat;
  if (!beatUrl || typeof Worker === "undefined") return;

  const uuid4 = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  let tab = sessionStorage.getItem("madoguchi-tab");
  if (!tab) {
    tab = uuid4();
    sessionStorage.setItem("madoguchi-tab", tab);
  }

  const ring = document.getElementById("remote-ring");
  const shown = new Set();
  const show = (offers) => {
    if (!ring) return;
    const ids = new Set(offers.map((offer) => offer.id));
    if (ids.size === shown.size && [...ids].every((id) => shown.has(id))) return;
    shown.clear();
    ring.replaceChildren();
    for (const offer of offers) {
      shown.add(offer.id);
      const form = document.createElement("form");
      form.method = "post";
      form.action = offer.accept;
      form.className = "remote-ring__offer";
      const token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = body.dataset.csrf;
      const text = document.createElement("p");
      text.textContent = offer.text;
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "button";
      button.textContent = offer.button;
      form.append(token, text, button);
      ring.append(form);
    }
    ring.hidden = offers.length === 0;
    document.dispatchEvent(new CustomEvent("madoguchi:offers", { detail: offers }));
  };

  const worker = new Worker(body.dataset.presenceWorker);
  let every = 4;
  const start = () => worker.postMessage({ url: beatUrl, csrf: body.dataset.csrf, tab, every });
  worker.onmessage = (event) => {
    const data = event.data;
    if (Array.isArray(data.offers)) show(data.offers);
    if (data.beat && data.beat !== every) {
      every = data.beat;
      start();
    }
  };
  start();

  // Closing or leaving the page says goodbye at once (a crash or a dropped network is noticed by the
  // missing beats instead).
  window.addEventListener("pagehide", () => {
    const form = new FormData();
    form.append("tab", tab);
    navigator.sendBeacon(body.dataset.presenceLeave, form);
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) start(); // back from the back-forward cache
  });
})();
