/* The display board: draws the current calls, chimes and announces each new call, reconnects by itself. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  var initial = JSON.parse(document.getElementById("board-initial").textContent);
  var callsList = document.getElementById("board-calls");
  var queuesList = document.getElementById("board-queues");
  var announce = document.getElementById("board-announce");
  var connection = document.getElementById("board-connection");
  var soundButton = document.getElementById("board-sound");
  var audio = null;

  function text(tag, className, value) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = value;
    return element;
  }

  function draw(state, chimeId) {
    callsList.replaceChildren();
    if (!state.calls.length) {
      var empty = text("li", "board-call board-call--empty", root.dataset.emptyText);
      callsList.appendChild(empty);
    }
    state.calls.forEach(function (call) {
      var item = document.createElement("li");
      item.className = "board-call" + (call.id === chimeId ? " board-call--new" : "") +
        (call.status === "serving" ? " board-call--serving" : "");
      item.appendChild(text("span", "board-call__ticket", call.ticket));
      item.appendChild(text("span", "board-call__arrow", "→"));
      var counter = document.createElement("span");
      counter.className = "board-call__counter";
      counter.appendChild(text("span", "board-call__counter-ja", call.counter_ja));
      counter.appendChild(text("span", "board-call__counter-en", call.counter_en));
      item.appendChild(counter);
      callsList.appendChild(item);
    });
    queuesList.replaceChildren();
    state.queues.forEach(function (queue) {
      var item = document.createElement("li");
      item.className = "board-queue";
      item.appendChild(text("span", "board-queue__prefix", queue.prefix));
      var name = document.createElement("span");
      name.className = "board-queue__name";
      name.appendChild(text("span", "", queue.name_ja));
      name.appendChild(text("span", "board-queue__en", queue.name_en));
      item.appendChild(name);
      item.appendChild(text("span", "board-queue__waiting", String(queue.waiting)));
      queuesList.appendChild(item);
    });
  }

  /* Two-tone chime (ピンポーン) made with Web Audio: no sound file to ship, nothing to download. */
  function chime() {
    if (!audio || audio.state !== "running") return;
    var now = audio.currentTime;
    [[880, 0], [659.25, 0.45]].forEach(function (note) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = note[0];
      gain.gain.setValueAtTime(0.0001, now + note[1]);
      gain.gain.exponentialRampToValueAtTime(0.4, now + note[1] + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + note[1] + 1.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + note[1]);
      oscillator.stop(now + note[1] + 1.3);
    });
  }

  function enableSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = audio || new Context();
    soundButton.hidden = audio.state === "running";
    audio.resume().then(function () { soundButton.hidden = audio.state === "running"; });
  }
  soundButton.addEventListener("click", enableSound);
  enableSound();  // works where the kiosk browser allows autoplay (--autoplay-policy=no-user-gesture-required)

  var newest = null;  // the last call chimed: it stays marked until the next one

  function onMessage(message) {
    if (message.type !== "board") return;
    var call = message.chime;
    var state = message.state;
    if (call) {
      newest = call.id;
      // A chime comes at once, with the state read before it when the new one is not read yet (the new
      // state follows): the board puts the call at the top itself.
      if (!state.calls.some(function (shown) { return shown.id === call.id; })) {
        state = Object.assign({}, state, {
          calls: [call].concat(state.calls).slice(0, parseInt(root.dataset.boardCalls || "8", 10))
        });
      }
    }
    draw(state, newest);
    if (call) {
      chime();
      announce.textContent = root.dataset.announceTemplate
        .replace("{ticket}", call.ticket).replace("{counter}", call.counter_ja);
    }
  }

  draw(initial.state, null);
  window.madoguchiLive(root.dataset.eventsUrl, onMessage, function (state) {
    connection.hidden = state === "open";
    root.dataset.connection = state;  // the browser tests wait for "open"
  });

  function tick() {
    var clock = document.getElementById("board-clock");
    var now = new Date();
    clock.textContent = now.toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit" });
  }
  tick();
  setInterval(tick, 10000);
})();
