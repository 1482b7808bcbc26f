// The inbox's progressive enhancements: an audible alert when a new emergency appears, and
// ticked conversations kept ticked when the live list refreshes. Everything works without it.
(function () {
  "use strict";
  var SEEN_KEY = "beatdesk.inbox.emergencies-alerted";
  var audio = null;

  function seen() {
    try { return JSON.parse(sessionStorage.getItem(SEEN_KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(ids) {
    try { sessionStorage.setItem(SEEN_KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ }
  }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      audio = audio || new Context();
      if (audio.state === "suspended") { audio.resume(); }
      // Three short tones: distinct from other sounds on a busy desk, over in under a second.
      [0, 0.25, 0.5].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = "square";
        osc.frequency.value = 880;
        gain.gain.value = 0.15;
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(audio.currentTime + offset);
        osc.stop(audio.currentTime + offset + 0.15);
      });
    } catch (e) { /* audio is a bonus: the visible alert is already on screen */ }
  }

  function checkAlerts(root) {
    var alerts = (root || document).querySelectorAll("[data-emergency-ids]");
    if (!alerts.length) { return; }
    var known = seen();
    var fresh = [];
    alerts.forEach(function (el) {
      el.getAttribute("data-emergency-ids").split(",").forEach(function (id) {
        if (id && known.indexOf(id) === -1 && fresh.indexOf(id) === -1) { fresh.push(id); }
      });
    });
    if (!fresh.length) { return; }
    remember(known.concat(fresh));
    beep();
    var count = parseInt(document.body.getAttribute("data-alerts-sounded") || "0", 10) + 1;
    document.body.setAttribute("data-alerts-sounded", String(count));
  }

  var ticked = [];
  document.addEventListener("htmx:beforeSwap", function () {
    ticked = Array.prototype.map.call(
      document.querySelectorAll("#bulk-form input[name=conversation]:checked"),
      function (el) { return el.value; }
    );
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    ticked.forEach(function (value) {
      var box = document.querySelector("#bulk-form input[name=conversation][value='" + value + "']");
      if (box) { box.checked = true; }
    });
    checkAlerts(event.target);
  });
  // Browsers only let a page make sound after a click or key press: unlock on the first one.
  document.addEventListener("click", function () {
    if (audio && audio.state === "suspended") { audio.resume(); }
  }, { once: true });
  document.addEventListener("DOMContentLoaded", function () { checkAlerts(document); });
})();
