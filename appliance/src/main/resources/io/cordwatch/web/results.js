// CordWatch results worklist: keeps the table of /studies current by polling /api/v1/worklist.
// The page is complete without this script (it then reloads itself); this only saves the reload.
// Text goes in with textContent, never as markup, so nothing from the server is run as HTML.
(function () {
  "use strict";
  var table = document.getElementById("worklist");
  if (!table || !window.fetch) {
    return;
  }
  var source = table.getAttribute("data-poll");
  var body = table.tBodies[0];
  var updated = document.getElementById("updated");
  var every = 10000;

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function render(view) {
    var rows = document.createDocumentFragment();
    view.studies.forEach(function (s) {
      var tr = document.createElement("tr");
      tr.className = "g-" + (s.group || "none") + " r-" + s.review_state;
      var link = document.createElement("a");
      link.href = s.href;
      link.textContent = s.tag;
      cell(tr, "").appendChild(link);
      cell(tr, s.study_date_time || "\u2013");
      cell(tr, s.last_received_text);
      cell(tr, s.result_text, "result");
      cell(tr, s.review_text, "review");
      cell(tr, String(s.slices_graded), "n");
      cell(tr, String(s.high_calls), "n");
      cell(tr, String(s.reviewed_slices), "n");
      cell(tr, String(s.instance_count), "n");
      cell(tr, String(s.series_count), "n");
      rows.appendChild(tr);
    });
    while (body.firstChild) {
      body.removeChild(body.firstChild);
    }
    body.appendChild(rows);
    var banner = document.getElementById("not-clinical");
    if (banner) {
      banner.hidden = !view.studies.some(function (s) {
        return s.clinical_use === false;
      });
    }
    var empty = document.getElementById("empty");
    if (empty) {
      empty.hidden = view.studies.length > 0;
    }
    if (updated) {
      updated.textContent = "Live, as of " + view.generated_at_text;
    }
  }

  function poll() {
    fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      })
      .then(render)
      .catch(function (e) {
        if (updated) {
          updated.textContent = "Live updates paused (" + e.message + "); reload the page";
        }
      });
  }

  window.setInterval(poll, every);
})();
