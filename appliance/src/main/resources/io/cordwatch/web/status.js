// CordWatch status page: follows the server-sent events of /api/v1/status/events and, when the
// status changes, fetches the page again and swaps its <main> in place: the server draws the page
// (charts included) in one place, with or without this script. Without JavaScript the page reloads
// itself (the <noscript> refresh); when the stream cannot be had (503 when many screens follow it,
// or the appliance restarting), this script reloads the page the same way.
// Nothing from the server is run: the new <main> comes from a parsed document and scripts in it
// would not run; the status JSON is only compared, never inserted.
(function () {
  "use strict";
  var every = 10000;
  var main = document.getElementById("live");
  if (!main || !window.EventSource || !window.fetch || !window.DOMParser) {
    window.setTimeout(function () { window.location.reload(); }, every);
    return;
  }
  var source = main.getAttribute("data-events");
  var last = null;
  var fetching = false;
  // Times on the page ("up", "as of", "ago") age even when nothing else changes.
  var atLeast = 60000;
  var drawn = Date.now();

  function note(text) {
    var el = document.getElementById("updates");
    if (el) {
      el.textContent = text;
    }
  }

  function refresh() {
    if (fetching) {
      return;
    }
    fetching = true;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("live");
        if (fresh) {
          document.title = doc.title;
          main.replaceWith(fresh);
          main = fresh;
          drawn = Date.now();
          note(" \u00b7 live");
        }
      })
      .catch(function (e) {
        note(" \u00b7 live updates paused (" + e.message + ")");
      })
      .then(function () {
        fetching = false;
      });
  }

  var events = new EventSource(source);
  events.addEventListener("status", function (e) {
    // uptime_seconds and as_of change every second; only a change of anything else redraws the
    // page at once, the rest at least once a minute.
    var view = JSON.parse(e.data);
    delete view.uptime_seconds;
    delete view.as_of;
    if (view.activity) {
      delete view.activity.seconds_since_last_study;
    }
    var key = JSON.stringify(view);
    if (last !== null && (key !== last || Date.now() - drawn >= atLeast)) {
      refresh();
    } else if (last === null) {
      note(" \u00b7 live");
    }
    last = key;
  });
  events.onerror = function () {
    if (events.readyState === EventSource.CLOSED) {
      note(" \u00b7 live updates unavailable; reloading every " + every / 1000 + " s");
      window.setTimeout(function () { window.location.reload(); }, every);
    } else {
      note(" \u00b7 reconnecting");
    }
  };
})();
