/* Rescheduling on the Gantt chart: move or resize a milestone's bar with the mouse or the
   keyboard, see which later milestones move with it (the server forecasts that, by the
   critical path's rule) and save with a reason. Nothing is saved before that confirmation.

   Keyboard, on a focused bar: Left/Right move it a day, Page Up/Page Down a week, Shift with
   Left/Right moves its end only; Enter asks for the preview, Escape cancels.
   Without this script the bars stay links to the milestone, whose edit form does the same. */
(function () {
  "use strict";

  var DAY = 86400000;
  var svg = document.querySelector("svg.gantt[data-chart-start]");
  if (!svg) {
    return;
  }
  var editor = document.getElementById("gantt-editor");
  var announcer = document.getElementById("gantt-announce");
  var help = document.getElementById("gantt-edit-help");
  var chartStart = parseDay(svg.dataset.chartStart);
  var dayWidth = parseFloat(svg.dataset.dayWidth);
  var labelWidth = parseFloat(svg.dataset.labelWidth);
  var active = null; // the handle whose preview is open or being asked for

  svg.classList.add("gantt-editable");
  if (help) {
    help.hidden = false;
  }

  function parseDay(text) {
    var parts = text.split("-").map(Number);
    return Date.UTC(parts[0], parts[1] - 1, parts[2]);
  }

  function iso(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  function daysBetween(a, b) {
    return Math.round((b - a) / DAY);
  }

  function say(text) {
    // Cleared first so the same sentence twice is still announced.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 30);
  }

  function saved(handle) {
    return { start: parseDay(handle.dataset.start), end: parseDay(handle.dataset.end) };
  }

  function proposed(handle) {
    if (!handle._proposed) {
      handle._proposed = saved(handle);
    }
    return handle._proposed;
  }

  function isMoved(handle) {
    var was = saved(handle);
    var now = proposed(handle);
    return was.start !== now.start || was.end !== now.end;
  }

  function shiftText(days) {
    if (days === 0) {
      return "unchanged";
    }
    var unit = Math.abs(days) === 1 ? " day" : " days";
    return Math.abs(days) + unit + (days > 0 ? " later" : " earlier");
  }

  function describe(handle) {
    var was = saved(handle);
    var now = proposed(handle);
    var length = daysBetween(now.start, now.end) + 1;
    return (
      handle.dataset.name + ": " + iso(now.start) + " to " + iso(now.end) +
      " (start " + shiftText(daysBetween(was.start, now.start)) +
      ", end " + shiftText(daysBetween(was.end, now.end)) +
      ", " + length + (length === 1 ? " day" : " days") + " long)"
    );
  }

  function draw(handle) {
    var now = proposed(handle);
    var x = labelWidth + daysBetween(chartStart, now.start) * dayWidth;
    var width = Math.max(daysBetween(now.start, now.end) * dayWidth, 3);
    var bar = handle.querySelector(".bar-proposed");
    var grip = handle.querySelector(".bar-grip");
    bar.setAttribute("x", x.toFixed(1));
    bar.setAttribute("width", width.toFixed(1));
    grip.setAttribute("x", (x + width - 4).toFixed(1));
    var moved = isMoved(handle);
    handle.classList.toggle("moved", moved);
    if (moved) {
      handle.setAttribute("aria-label", "Reschedule " + describe(handle) + ", not saved yet");
    } else {
      handle.setAttribute(
        "aria-label",
        "Reschedule " + handle.dataset.name + ": planned " + handle.dataset.start +
          " to " + handle.dataset.end
      );
    }
  }

  function propose(handle, start, end) {
    if (active && active !== handle) {
      reset(active, false);
    } else if (active === handle) {
      active = null; // the open preview was for other dates
      closeEditor();
    }
    handle._proposed = { start: start, end: Math.max(end, start) };
    draw(handle);
  }

  function closeEditor() {
    editor.hidden = true;
    editor.innerHTML = "";
  }

  function reset(handle, focus) {
    handle._proposed = saved(handle);
    draw(handle);
    if (active === handle) {
      active = null;
      closeEditor();
    }
    if (focus) {
      handle.focus();
    }
  }

  function cancel(handle) {
    reset(handle, true);
    say("Cancelled: " + handle.dataset.name + " stays " + handle.dataset.start + " to " +
      handle.dataset.end + ".");
  }

  function showEditor(handle, html) {
    editor.innerHTML = html;
    editor.hidden = false;
    var heading = editor.querySelector("#reschedule-heading");
    var panel = editor.querySelector("#reschedule-panel");
    if (panel && panel.dataset.summary) {
      say(panel.dataset.summary + " Give the reason, then save, or cancel.");
    }
    var cancelButton = editor.querySelector("[data-action=cancel]");
    if (cancelButton) {
      cancelButton.addEventListener("click", function () {
        cancel(handle);
      });
    }
    var form = editor.querySelector("form.reschedule-save");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        save(handle, form);
      });
    }
    if (heading) {
      heading.focus();
    }
  }

  function preview(handle) {
    if (!isMoved(handle)) {
      say("Nothing moved yet: use the arrow keys first, or Escape to leave it.");
      return;
    }
    active = handle;
    var now = proposed(handle);
    var query = new URLSearchParams({
      planned_start: iso(now.start),
      planned_end: iso(now.end),
      _version: handle.dataset.version,
      next: window.location.pathname + window.location.search
    });
    say("Working out which later milestones move with " + handle.dataset.name + "…");
    fetch(handle.dataset.url + "?" + query.toString(), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        if (active === handle) {
          showEditor(handle, html);
        }
      })
      .catch(function () {
        say("The preview could not be loaded; nothing was saved. Try again.");
      });
  }

  function reloadAt(target) {
    var url = new URL(target, window.location.href);
    if (url.pathname + url.search === window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", url.href);
      window.location.reload();
    } else {
      window.location.assign(url.href);
    }
  }

  function save(handle, form) {
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    say("Saving…");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "HX-Request": "true", "If-Match": '"' + form.dataset.version + '"' },
      credentials: "same-origin"
    })
      .then(function (response) {
        var target = response.headers.get("HX-Redirect");
        if (target) {
          reloadAt(target);
          return null;
        }
        return response.text().then(function (html) {
          showEditor(handle, html);
          say(response.status === 412
            ? "Not saved: someone changed this milestone since the chart was drawn."
            : "Not saved: see the message above the reason.");
        });
      })
      .catch(function () {
        if (button) {
          button.disabled = false;
        }
        say("The change could not be sent; nothing was saved. Try again.");
      });
  }

  function onKey(event) {
    var handle = event.currentTarget;
    var now = proposed(handle);
    var step = { ArrowLeft: -1, ArrowRight: 1, PageUp: -7, PageDown: 7 }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      var delta = step * DAY;
      if (event.shiftKey) {
        propose(handle, now.start, Math.max(now.end + delta, now.start));
      } else {
        propose(handle, now.start + delta, now.end + delta);
      }
      say(describe(handle) + ". Enter to see what moves with it, Escape to cancel.");
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      preview(handle);
    } else if (event.key === "Escape") {
      event.preventDefault();
      cancel(handle);
    }
  }

  function svgX(event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse()).x;
  }

  function onPointerDown(event) {
    if (event.button !== 0) {
      return;
    }
    var handle = event.currentTarget;
    var resizing = event.target.classList.contains("bar-grip");
    var from = proposed(handle);
    var originX = svgX(event);
    var dragged = false;
    event.preventDefault();
    handle.focus();
    handle.setPointerCapture(event.pointerId);
    handle.classList.add("dragging");

    function move(moveEvent) {
      var days = Math.round((svgX(moveEvent) - originX) / dayWidth);
      if (days !== 0) {
        dragged = true;
      }
      if (resizing) {
        propose(handle, from.start, Math.max(from.end + days * DAY, from.start));
      } else {
        propose(handle, from.start + days * DAY, from.end + days * DAY);
      }
    }

    function up() {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", up);
      handle.classList.remove("dragging");
      if (dragged && isMoved(handle)) {
        say(describe(handle) + ".");
        preview(handle);
      }
    }

    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", up);
  }

  Array.prototype.forEach.call(svg.querySelectorAll(".bar-handle"), function (handle) {
    handle.addEventListener("keydown", onKey);
    handle.addEventListener("pointerdown", onPointerDown);
  });

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && active) {
      event.preventDefault();
      cancel(active);
    }
  });

  // After a save the chart is drawn again: give the keyboard back to the bar that moved.
  if (window.location.hash.indexOf("#gantt-bar-") === 0) {
    var moved = document.getElementById(window.location.hash.slice(1));
    if (moved) {
      moved.focus();
    }
  }
})();
