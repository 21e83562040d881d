/* Agnes "Sync now" (dashboard and admin sync page): starts a sync (POST /api/sync/trigger), then follows
   GET /api/sync/status every 2 s until it is no longer running, and reloads the page to show the outcome. */
(function () {
  'use strict';
  var button = document.getElementById('sync-now');
  if (!button) {
    return;
  }
  var progress = document.getElementById('sync-progress');
  var base = document.body.getAttribute('data-base-path') || '';
  var POLL_MS = 2000;
  var MAX_POLL_FAILURES = 3;
  var failures = 0;
  var followingSince = Date.now();

  function say(text, isError) {
    if (progress) {
      progress.textContent = text;
      progress.classList.toggle('error-text', !!isError);
    }
  }

  async function call(method, path, body) {
    var options = {method: method, headers: {'Accept': 'application/json'}, credentials: 'same-origin'};
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(base + path, options);
    } catch (e) {
      return {status: 0, json: null};
    }
    var json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    return {status: response.status, json: json};
  }

  function detail(reply, fallback) {
    if (reply.json && typeof reply.json.detail === 'string' && reply.json.detail) {
      return reply.json.detail;
    }
    if (reply.status === 0) {
      return 'Cannot reach Agnes.';
    }
    if (reply.status === 401) {
      return 'Your session has ended: sign in again.';
    }
    return fallback + ' (HTTP ' + reply.status + ').';
  }

  /* Two shapes are understood: {running: bool, started_at, ...} and {state: "queued"|"running"|..., tables_done, ...}. */
  function isRunning(status) {
    if (!status) {
      return false;
    }
    if (typeof status.running === 'boolean') {
      return status.running;
    }
    return status.state === 'running' || status.state === 'queued';
  }

  function progressText(status) {
    var text = 'Sync running';
    if (status && typeof status.tables_total === 'number') {
      text += ': ' + (status.tables_done || 0) + ' of ' + status.tables_total + ' tables';
      if (status.current_table) {
        text += ', now ' + status.current_table;
      }
    }
    var started = status && status.started_at ? Date.parse(status.started_at) : NaN;
    var since = isNaN(started) || started > Date.now() ? followingSince : started;
    return text + ' · ' + Math.max(0, Math.round((Date.now() - since) / 1000)) + ' s…';
  }

  function outcome(status) {
    if (status && status.last_run && status.last_run.status) {
      return status.last_run.status;
    }
    return status && status.state ? status.state : 'done';
  }

  async function poll() {
    var reply = await call('GET', '/api/sync/status');
    if (reply.status === 200 && reply.json) {
      failures = 0;
      if (isRunning(reply.json)) {
        say(progressText(reply.json));
        window.setTimeout(poll, POLL_MS);
        return;
      }
      say('Sync finished: ' + outcome(reply.json) + '. Reloading…');
      window.location.reload();
      return;
    }
    failures++;
    if (reply.status === 401 || reply.status === 403 || failures >= MAX_POLL_FAILURES) {
      say(detail(reply, 'Cannot follow the sync') + ' Reload the page to see how it went.', true);
      button.disabled = false;
      return;
    }
    window.setTimeout(poll, POLL_MS);
  }

  function follow() {
    button.disabled = true;
    followingSince = Date.now();
    window.setTimeout(poll, POLL_MS);
  }

  button.addEventListener('click', async function () {
    button.disabled = true;
    say('Starting a sync…');
    var reply = await call('POST', '/api/sync/trigger', {});
    if (reply.status >= 200 && reply.status < 300) {
      say('Sync started…');
      follow();
    } else if (reply.status === 409) {
      say('A sync is already running: following it…');
      follow();
    } else {
      say(detail(reply, 'The sync could not start'), true);
      button.disabled = false;
    }
  });

  // the page was rendered while a sync ran: follow it at once
  if (button.getAttribute('data-running') === 'true') {
    say('A sync is running…');
    follow();
  }
})();
