// The consultation room: a full mesh of WebRTC connections between up to four parties, signalled through
// madoguchi (POST out, server-sent events in), with the city's own TURN server as the only ICE server.
// Glare is resolved by "perfect negotiation": of two parties, the one with the greater id is polite.
"use strict";
(() => {
  const root = document.getElementById("room");
  if (!root) return;
  const urls = JSON.parse(root.dataset.urls);
  const csrf = root.dataset.csrf;
  const text = JSON.parse(document.getElementById("room-text").textContent);
  const grid = document.getElementById("room-videos");
  const statusLine = document.getElementById("room-status");
  const roster = document.getElementById("room-roster");

  const uuid4 = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };
  const session = uuid4();
  let me = null;
  let rtc = { iceServers: [] };
  let local = new MediaStream();
  let documentStream = null;
  let parties = new Map();
  let ended = false;
  let reportedConnected = false;
  let connectedOnce = false;
  const peers = new Map();
  const documentStreams = new Set(); // ids of streams that carry a document camera

  const post = (url, body) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });

  const say = (message) => {
    statusLine.textContent = message;
  };

  // --- tiles ---------------------------------------------------------------------------------------------

  const tiles = new Map();
  function tile(key, label, stream, { muted = false, documentCamera = false } = {}) {
    let entry = tiles.get(key);
    if (!entry) {
      const figure = document.createElement("figure");
      figure.className = "room-tile";
      figure.dataset.key = key;
      const video = document.createElement("video");
      video.autoplay = true;
      video.playsInline = true;
      video.muted = muted;
      const caption = document.createElement("figcaption");
      figure.append(video, caption);
      grid.append(figure);
      entry = { figure, video, caption };
      tiles.set(key, entry);
      if (documentCamera) addCaptureForm(entry);
    }
    entry.caption.textContent = label;
    entry.figure.classList.toggle("room-tile--document", documentCamera);
    if (entry.video.srcObject !== stream) entry.video.srcObject = stream;
    return entry;
  }
  function dropTile(key) {
    const entry = tiles.get(key);
    if (entry) {
      entry.video.srcObject = null;
      entry.figure.remove();
      tiles.delete(key);
    }
  }

  // Staff take a still of a document camera into the case (with the resident's consent: the server checks).
  function addCaptureForm(entry) {
    if (!urls.capture || root.dataset.captures !== "on" || root.dataset.guest === "1") return;
    const form = document.createElement("form");
    form.className = "room-capture";
    const label = document.createElement("input");
    label.name = "label";
    label.required = true;
    label.maxLength = 80;
    label.placeholder = text.capture_label;
    label.setAttribute("aria-label", text.capture_label);
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "button button--small";
    button.textContent = text.capture;
    form.append(label, button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const video = entry.video;
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      if (!canvas.width) {
        say(text.capture_failed);
        return;
      }
      canvas.getContext("2d").drawImage(video, 0, 0);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
      const data = new FormData();
      data.append("label", label.value);
      data.append("image", blob, "capture.png");
      button.disabled = true;
      const response = await fetch(urls.capture, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf },
        body: data,
      });
      button.disabled = false;
      const answer = await response.json().catch(() => ({}));
      say(response.ok ? text.captured : answer.error || text.capture_failed);
      if (response.ok) label.value = "";
    });
    entry.figure.append(form);
  }

  // --- peers ---------------------------------------------------------------------------------------------

  // One peer's messages go out one after the other: a candidate must not overtake the description it
  // belongs to (the server relays them in the order it receives them).
  function send(peer, payload) {
    const body = { to: peer.id, session, payload: { ...payload, gen: peer.gen } };
    peer.outbox = peer.outbox.then(() => post(urls.signal, body)).catch(() => {});
  }

  function closePeer(peer) {
    peer.pc.close();
    peers.delete(peer.id);
    for (const key of [...tiles.keys()]) if (key.startsWith(`${peer.id}:`)) dropTile(key);
  }

  function partyLabel(id) {
    const party = parties.get(id);
    return party ? [party.role_label, party.name].filter(Boolean).join(" ") : "";
  }

  // A connection is known by the other page (its session) and a generation: a connection that never got
  // through (a message lost while a stream reconnected) is replaced by a new generation, which the other
  // side follows.
  function peerFor(id, remoteSession, gen = 0) {
    let peer = peers.get(id);
    if (peer && (peer.remoteSession !== remoteSession || gen > peer.gen)) {
      closePeer(peer); // the other party reloaded its page, or started again
      peer = null;
    }
    if (peer) return peer;
    const pc = new RTCPeerConnection(rtc);
    peer = {
      id,
      pc,
      remoteSession,
      polite: me > id,
      makingOffer: false,
      ignoreOffer: false,
      chain: Promise.resolve(),
      outbox: Promise.resolve(),
      early: [], // candidates that came before the description they belong to
      disconnectedSince: 0,
      gen,
      createdAt: Date.now(),
    };
    peers.set(id, peer);
    for (const track of local.getTracks()) pc.addTrack(track, local);
    if (documentStream) {
      send(peer, { document: documentStream.id });
      for (const track of documentStream.getTracks()) pc.addTrack(track, documentStream);
    }
    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        send(peer, { description: pc.localDescription });
      } catch (error) {
        console.warn(error);
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) send(peer, { candidate });
    };
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] || new MediaStream([track]);
      const isDocument = documentStreams.has(stream.id);
      const label = isDocument ? `${partyLabel(id)}（${text.document_camera}）` : partyLabel(id);
      tile(`${id}:${stream.id}`, label, stream, { documentCamera: isDocument });
      stream.onremovetrack = () => {
        if (stream.getTracks().length === 0) dropTile(`${id}:${stream.id}`);
      };
    };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      if (state === "connected") {
        peer.disconnectedSince = 0;
        connectedOnce = true;
        if (!reportedConnected) {
          reportedConnected = true;
          post(urls.connected, {}).catch(() => {});
        }
      } else if (state === "disconnected") {
        peer.disconnectedSince = Date.now();
      } else if (state === "failed" && !peer.polite) {
        pc.restartIce(); // a dropped network: new candidates, the same connection
      }
      renderRoster();
    };
    return peer;
  }

  async function onSignal(message) {
    const payload = message.payload || {};
    const gen = Number(payload.gen || 0);
    const known = peers.get(message.from);
    if (known && known.remoteSession === message.session && gen < known.gen) return; // an old generation's
    const peer = peerFor(message.from, message.session, gen);
    peer.chain = peer.chain.then(async () => {
      const pc = peer.pc;
      if (payload.document) {
        documentStreams.add(payload.document);
      } else if (payload.description) {
        const description = payload.description;
        const collision = description.type === "offer" && (peer.makingOffer || pc.signalingState !== "stable");
        peer.ignoreOffer = !peer.polite && collision;
        if (peer.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        for (const candidate of peer.early.splice(0)) {
          await pc.addIceCandidate(candidate).catch((error) => console.warn(error));
        }
        if (description.type === "offer") {
          await pc.setLocalDescription();
          send(peer, { description: pc.localDescription });
        }
      } else if (payload.candidate && !pc.remoteDescription) {
        peer.early.push(payload.candidate);
      } else if (payload.candidate) {
        try {
          await pc.addIceCandidate(payload.candidate);
        } catch (error) {
          if (!peer.ignoreOffer) console.warn(error);
        }
      }
    }).catch((error) => console.warn(error));
  }

  // --- state ---------------------------------------------------------------------------------------------

  function renderRoster() {
    roster.replaceChildren();
    for (const party of parties.values()) {
      const item = document.createElement("li");
      const peer = peers.get(party.id);
      let state = party.present ? text.present : text.left;
      if (party.id === me) state = text.you;
      else if (peer && party.present) state = text.connection[peer.pc.connectionState] || peer.pc.connectionState;
      item.textContent = `${partyLabel(party.id)} — ${state}`;
      item.dataset.party = party.id;
      roster.append(item);
    }
  }

  async function refresh() {
    const response = await fetch(urls.state, { credentials: "same-origin" });
    if (!response.ok) return;
    const state = await response.json();
    if (ended) return; // a second read that crossed the one that ended the room
    parties = new Map(state.parties.map((party) => [party.id, party]));
    root.dataset.state = state.state;
    document.getElementById("room-state").textContent = state.state_label;
    if (state.state === "ended" || state.state === "cancelled") {
      finish(state.state_label);
      return;
    }
    say(state.queue_text || (state.expert ? `${text.expert}: ${state.expert}` : ""));
    const consent = document.getElementById("room-consent-state");
    if (consent) consent.textContent = state.consent ? text.consent_yes : text.consent_no;
    const captures = document.getElementById("room-captures");
    if (captures) {
      captures.replaceChildren(
        ...state.captures.map((c) => {
          const item = document.createElement("li");
          item.textContent = `${c.time} ${c.label}`;
          return item;
        }),
      );
    }
    const waiting = document.getElementById("room-waiting");
    if (waiting) waiting.hidden = state.state !== "waiting";
    const ending = document.getElementById("room-end");
    if (ending) ending.hidden = state.state !== "active";
    const fallback = document.getElementById("room-fallback");
    if (fallback) fallback.hidden = !(state.queue && state.queue.fallback);
    for (const party of state.parties) {
      if (party.id !== me && party.present && party.session) peerFor(party.id, party.session);
    }
    for (const peer of [...peers.values()]) {
      const party = parties.get(peer.id);
      if (!party || !party.present) closePeer(peer);
    }
    renderRoster();
  }

  function finish(label) {
    if (ended) return;
    ended = true;
    for (const peer of [...peers.values()]) closePeer(peer);
    for (const track of local.getTracks()) track.stop();
    if (documentStream) for (const track of documentStream.getTracks()) track.stop();
    if (events) events.close();
    say(`${text.ended} (${label})`);
  }

  async function reloadCase() {
    const panel = document.getElementById("room-case");
    if (!panel || !urls.case) return;
    const response = await fetch(urls.case, { credentials: "same-origin" });
    if (response.ok) {
      panel.innerHTML = await response.text(); // our own server's fragment
      panel.dataset.version = String(Number(panel.dataset.version || "0") + 1);
    }
  }

  // --- media controls ------------------------------------------------------------------------------------

  function setupControls() {
    const mute = document.getElementById("room-mute");
    const camera = document.getElementById("room-camera");
    const documentButton = document.getElementById("room-document");
    const deviceSelect = document.getElementById("room-document-device");
    mute.addEventListener("click", () => {
      const on = mute.getAttribute("aria-pressed") !== "true";
      for (const track of local.getAudioTracks()) track.enabled = !on;
      mute.setAttribute("aria-pressed", String(on));
      mute.textContent = on ? text.unmute : text.mute;
    });
    camera.addEventListener("click", () => {
      const off = camera.getAttribute("aria-pressed") !== "true";
      for (const track of local.getVideoTracks()) track.enabled = !off;
      camera.setAttribute("aria-pressed", String(off));
      camera.textContent = off ? text.camera_on : text.camera_off;
    });
    documentButton.addEventListener("click", async () => {
      if (documentStream) {
        for (const peer of peers.values()) {
          for (const sender of peer.pc.getSenders()) {
            if (sender.track && documentStream.getTracks().includes(sender.track)) peer.pc.removeTrack(sender);
          }
        }
        for (const track of documentStream.getTracks()) track.stop();
        dropTile("local:document");
        documentStream = null;
        documentButton.textContent = text.document_start;
        return;
      }
      const deviceId = deviceSelect.value;
      try {
        documentStream = await navigator.mediaDevices.getUserMedia({
          video: deviceId ? { deviceId: { exact: deviceId }, width: 1280, height: 720 } : { width: 1280, height: 720 },
        });
      } catch (error) {
        say(text.no_document_camera);
        return;
      }
      tile("local:document", `${text.you}（${text.document_camera}）`, documentStream, {
        muted: true,
        documentCamera: true,
      });
      for (const peer of peers.values()) {
        send(peer, { document: documentStream.id });
        for (const track of documentStream.getTracks()) peer.pc.addTrack(track, documentStream);
      }
      documentButton.textContent = text.document_stop;
    });
    document.getElementById("room-leave").addEventListener("click", async () => {
      await post(urls.leave, { session });
      finish(text.left);
      window.location.href = root.dataset.after;
    });
  }

  async function listDevices() {
    const select = document.getElementById("room-document-device");
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
    select.replaceChildren(
      ...devices.map((device, index) => {
        const option = document.createElement("option");
        option.value = device.deviceId;
        option.textContent = device.label || `${text.camera} ${index + 1}`;
        return option;
      }),
    );
    if (devices.length > 1) select.selectedIndex = devices.length - 1; // the second camera is the document camera
  }

  // --- start ---------------------------------------------------------------------------------------------

  let events = null;
  async function start() {
    try {
      local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
      await listDevices();
    } catch (error) {
      say(text.no_camera);
    }
    tile("local", `${text.you}`, local, { muted: true });
    // Listen first, then take the place: whatever another page sends once it sees us arrives.
    events = new EventSource(urls.events);
    let hellos = 0;
    let joining = null;
    const join = async () => {
      const response = await post(urls.join, { session });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(answer.error || text.join_failed);
        events.close();
        throw new Error(answer.error || "join");
      }
      me = answer.party;
      rtc = answer.rtc;
      setupControls();
    };
    events.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "hello") {
        hellos += 1;
        if (!joining) joining = join();
        joining.then(refresh).then(() => {
          if (hellos > 1) {
            // back after a network drop: what was missed is re-negotiated from fresh candidates
            for (const peer of peers.values()) if (!peer.polite && peer.pc.connectionState !== "connected") peer.pc.restartIce();
          }
        });
        reloadCase();
      } else if (!me) {
        // not in the room yet: the state is read once joined
      } else if (message.type === "state" || message.type === "queue") {
        refresh();
      } else if (message.type === "case") {
        reloadCase();
      } else if (message.type === "signal") {
        onSignal(message);
      }
    };
    setInterval(() => {
      for (const peer of [...peers.values()]) {
        if (peer.polite) continue; // one side of each pair acts
        if (peer.disconnectedSince && Date.now() - peer.disconnectedSince > 5000) {
          peer.disconnectedSince = Date.now();
          peer.pc.restartIce();
        } else if (["new", "connecting"].includes(peer.pc.connectionState) && Date.now() - peer.createdAt > 8000) {
          closePeer(peer); // never got through: a new generation
          peerFor(peer.id, peer.remoteSession, peer.gen + 1);
        }
      }
    }, 1000);
  }

  window.addEventListener("pagehide", () => {
    if (!me || ended) return;
    const form = new FormData();
    form.append("session", session);
    navigator.sendBeacon(urls.leave, form);
  });

  // For the people who look after the network (and the browser tests): each connection's state, route
  // and the video frames decoded from each other party.
  window.madoguchiRoom = {
    me: () => me,
    connectedOnce: () => connectedOnce,
    async stats() {
      const result = [];
      for (const peer of peers.values()) {
        const report = await peer.pc.getStats();
        let framesDecoded = 0;
        let pair = null;
        const byId = new Map();
        report.forEach((entry) => byId.set(entry.id, entry));
        report.forEach((entry) => {
          if (entry.type === "inbound-rtp" && entry.kind === "video") framesDecoded += entry.framesDecoded || 0;
          if (entry.type === "transport" && entry.selectedCandidatePairId) pair = byId.get(entry.selectedCandidatePairId);
        });
        const localCandidate = pair ? byId.get(pair.localCandidateId) : null;
        const remoteCandidate = pair ? byId.get(pair.remoteCandidateId) : null;
        result.push({
          party: peer.id,
          state: peer.pc.connectionState,
          framesDecoded,
          local: localCandidate ? localCandidate.candidateType : null,
          remote: remoteCandidate ? remoteCandidate.candidateType : null,
        });
      }
      return result;
    },
  };

  start();
})();
