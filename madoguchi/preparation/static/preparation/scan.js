// The counter's scan page: a USB scanner types the code and ends with Enter, which submits the form; the
// terminal's camera reads codes with the vendored jsQR (no upload, no network). Several codes of one
// sequence are collected on the page and submitted together.
(function () {
  "use strict";
  var form = document.querySelector("[data-scan-form]");
  if (!form) { return; }
  var field = form.querySelector("textarea[name=code]");
  field.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && field.value.trim()) {
      event.preventDefault();
      form.submit();
    }
  });
  var area = form.querySelector("[data-camera-area]");
  if (!area || !navigator.mediaDevices || !window.jsQR) { return; }
  area.hidden = false;
  var video = area.querySelector("[data-camera-video]");
  var canvas = area.querySelector("[data-camera-canvas]");
  var seen = {};
  area.querySelector("[data-camera-start]").addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var context = canvas.getContext("2d", { willReadFrequently: true });
      var tick = function () {
        if (video.readyState === video.HAVE_ENOUGH_DATA) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var code = window.jsQR(image.data, image.width, image.height);
          if (code && code.data && !seen[code.data]) {
            seen[code.data] = true;
            field.value = (field.value ? field.value + "\n" : "") + code.data;
            var match = /^MDG1C[0-9A-F]([0-9A-F])/.exec(code.data);
            var total = match ? parseInt(match[1], 16) + 1 : 1;
            var have = form.querySelectorAll("input[name=part]").length + Object.keys(seen).length;
            if (have >= total) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              form.submit();
              return;
            }
          }
        }
        window.requestAnimationFrame(tick);
      };
      window.requestAnimationFrame(tick);
    }).catch(function () { area.hidden = true; });
  });
})();
