// The quarter's return page: save each row as a draft when the officer moves on from it,
// so a figure typed is not lost to a timed-out session or a closed tab. The page works
// without this script (its "Save all" button posts every row); this only saves earlier.
// A static file, loaded with `defer`: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var form = document.querySelector("[data-quarter-return]");
  if (!form || !window.fetch || !window.FormData) return;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  // Saves still on their way. The page's own buttons wait for them, so the form never
  // posts a row_version that a draft save has just moved on (a false "changed by someone
  // else").
  var pending = 0;
  var waitingSubmitter = null;

  function settled() {
    pending -= 1;
    if (pending === 0 && waitingSubmitter) {
      var submitter = waitingSubmitter;
      waitingSubmitter = null;
      if (form.requestSubmit) {
        form.requestSubmit(submitter);
      } else {
        // Older browsers: send the pressed button's action with the form.
        if (submitter && submitter.name) {
          var action = document.createElement("input");
          action.type = "hidden";
          action.name = submitter.name;
          action.value = submitter.value;
          form.appendChild(action);
        }
        form.submit();
      }
    }
  }

  form.addEventListener("submit", function (event) {
    if (pending > 0) {
      event.preventDefault();
      waitingSubmitter = event.submitter || null;
    }
  });

  function fieldsOf(row) {
    return row.querySelectorAll("input, textarea, select");
  }

  function snapshot(row) {
    var parts = [];
    fieldsOf(row).forEach(function (el) {
      if (el.type === "hidden") return;
      parts.push(el.name + "=" + (el.type === "checkbox" ? el.checked : el.value));
    });
    return parts.join("&");
  }

  function say(row, text) {
    var status = row.querySelector("[data-row-status]");
    if (status) status.textContent = text;
  }

  function errorsText(errors) {
    var found = [];
    Object.keys(errors || {}).forEach(function (name) {
      found = found.concat(errors[name]);
    });
    return found.join(" ");
  }

  function save(row) {
    var now = snapshot(row);
    if (now === row.dataset.saved) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    fieldsOf(row).forEach(function (el) {
      if (el.type === "checkbox") {
        if (el.checked) data.append(el.name, el.value || "on");
      } else {
        data.append(el.name, el.value);
      }
    });
    say(row, "Saving draft…");
    pending += 1;
    fetch(row.dataset.saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        var body = result.body;
        if (result.ok && body.saved) {
          var version = row.querySelector("input[name$='-row_version']");
          if (version) version.value = body.row_version;
          row.dataset.saved = now;
          say(row, body.message);
        } else {
          say(row, "Not saved yet: " + (body.message || errorsText(body.errors)));
        }
      })
      .catch(function () {
        say(row, "Not saved yet: the portal could not be reached. Use “Save all as drafts”.");
      })
      .then(settled);
  }

  form.querySelectorAll("[data-quarter-row]").forEach(function (row) {
    row.dataset.saved = snapshot(row);
    row.addEventListener("focusout", function (event) {
      // Save when focus leaves the row, not when it moves between the row's own fields.
      if (event.relatedTarget && row.contains(event.relatedTarget)) return;
      // Going to one of the page's buttons: the whole form is about to be sent anyway.
      if (event.relatedTarget && event.relatedTarget.form === form &&
          event.relatedTarget.type === "submit") return;
      save(row);
    });
  });
})();
