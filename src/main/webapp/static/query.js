/* Agnes query page: runs SQL (POST /api/query) or asks a question (POST /api/ask) and shows the answer.
   Data only ever reaches the page through textContent, never as HTML. */
(function () {
  'use strict';
  var output = document.getElementById('query-output');
  var sqlForm = document.getElementById('sql-form');
  var askForm = document.getElementById('ask-form');
  if (!output || (!sqlForm && !askForm)) {
    return;
  }
  var base = document.body.getAttribute('data-base-path') || '';
  var sqlInput = document.getElementById('sql');
  var limitInput = document.getElementById('limit');
  var questionInput = document.getElementById('question');
  var status = document.getElementById('query-status');
  // answers of an earlier submission that arrive late are dropped
  var latest = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function setBusy(busy, text) {
    document.querySelectorAll('#sql-form button, #ask-form button, #query-tables button').forEach(function (b) {
      b.disabled = busy;
    });
    if (status) {
      status.textContent = text || '';
      status.hidden = !busy;
    }
  }

  function clearOutput() {
    Array.prototype.slice.call(output.children).forEach(function (child) {
      if (child !== status) {
        output.removeChild(child);
      }
    });
  }

  async function postJson(path, body) {
    var response;
    try {
      response = await fetch(base + path, {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
        credentials: 'same-origin',
        body: JSON.stringify(body)
      });
    } catch (e) {
      return {ok: false, status: 0, json: null};
    }
    var json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    return {ok: response.ok && json !== null, status: response.status, json: json};
  }

  function errorText(reply) {
    if (reply.json && typeof reply.json.detail === 'string' && reply.json.detail) {
      return reply.json.detail;
    }
    if (reply.status === 0) {
      return 'Cannot reach Agnes: check your connection and try again.';
    }
    if (reply.status === 401) {
      return 'Your session has ended: sign in again.';
    }
    return 'The server answered with HTTP ' + reply.status + '.';
  }

  function cellText(value) {
    if (value === null || value === undefined) {
      return 'NULL';
    }
    if (typeof value === 'object') {
      return JSON.stringify(value);
    }
    return String(value);
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  function renderTable(result) {
    var columns = Array.isArray(result.columns) ? result.columns : [];
    var rows = Array.isArray(result.rows) ? result.rows : [];
    var meta = el('p', 'query-meta muted');
    meta.id = 'query-meta';
    meta.textContent = plural(rows.length, 'row') + ' · ' + (result.elapsed_ms === undefined ? '?' : result.elapsed_ms) + ' ms';
    output.appendChild(meta);
    if (result.truncated) {
      var note = el('p', 'truncated-note',
        'Only the first ' + plural(rows.length, 'row') + ' are shown: the query returned more. Add a LIMIT or aggregate to see all of it.');
      note.id = 'query-truncated';
      output.appendChild(note);
    }
    if (columns.length === 0) {
      output.appendChild(el('p', 'muted', 'The statement returned no columns.'));
      return;
    }
    var wrapper = el('div', 'table-scroll');
    var table = el('table', 'list query-result');
    table.id = 'query-result';
    var head = el('thead');
    var headRow = el('tr');
    columns.forEach(function (column) {
      var th = el('th', null, column && column.name);
      if (column && column.type) {
        th.appendChild(el('span', 'column-type', column.type));
      }
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    table.appendChild(head);
    var body = el('tbody');
    rows.forEach(function (row) {
      var tr = el('tr');
      (Array.isArray(row) ? row : []).forEach(function (value) {
        var text = cellText(value);
        var td = el('td', 'data-cell', text);
        if (text.length > 40) {
          td.classList.add('long'); // wraps, so one long text does not make the table meters wide
        }
        if (value === null || value === undefined) {
          td.classList.add('null-value');
        } else if (typeof value === 'number') {
          td.classList.add('num');
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    if (rows.length === 0) {
      var empty = el('tr');
      var td = el('td', 'muted', 'No rows.');
      td.colSpan = columns.length;
      empty.appendChild(td);
      body.appendChild(empty);
    }
    table.appendChild(body);
    wrapper.appendChild(table);
    output.appendChild(wrapper);
  }

  function renderError(message) {
    var alert = el('p', 'alert error', message);
    alert.id = 'query-error';
    alert.setAttribute('role', 'alert');
    output.appendChild(alert);
  }

  function renderSql(sql) {
    var pre = el('pre', 'sql-output', sql);
    pre.id = 'ask-sql';
    output.appendChild(pre);
    if (sqlInput) {
      var edit = el('button', 'secondary', 'Edit this SQL');
      edit.type = 'button';
      edit.id = 'edit-sql';
      edit.addEventListener('click', function () {
        sqlInput.value = sql;
        sqlInput.focus();
        sqlInput.scrollIntoView({block: 'center'});
      });
      output.appendChild(edit);
    }
  }

  async function runSql(sql) {
    var ticket = ++latest;
    var body = {sql: sql};
    var limit = limitInput && limitInput.value.trim() ? parseInt(limitInput.value, 10) : NaN;
    if (!isNaN(limit)) {
      body.limit = limit;
    }
    setBusy(true, 'Running…');
    var reply = await postJson('/api/query', body);
    if (ticket !== latest) {
      return;
    }
    setBusy(false);
    clearOutput();
    if (reply.ok) {
      renderTable(reply.json);
    } else {
      renderError(errorText(reply));
    }
  }

  async function ask(question) {
    var ticket = ++latest;
    setBusy(true, 'Asking the AI and running its query…');
    var reply = await postJson('/api/ask', {question: question});
    if (ticket !== latest) {
      return;
    }
    setBusy(false);
    clearOutput();
    var answer = reply.json || {};
    if (typeof answer.explanation === 'string' && answer.explanation) {
      var explanation = el('p', 'ask-explanation', answer.explanation);
      explanation.id = 'ask-explanation';
      output.appendChild(explanation);
    }
    if (typeof answer.sql === 'string' && answer.sql) {
      renderSql(answer.sql);
    }
    if (reply.ok) {
      renderTable(answer);
    } else {
      renderError(errorText(reply));
    }
  }

  if (sqlForm && sqlInput) {
    sqlForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var sql = sqlInput.value.trim();
      if (sql) {
        runSql(sql);
      }
    });
    sqlInput.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (typeof sqlForm.requestSubmit === 'function') {
          sqlForm.requestSubmit();
        } else {
          sqlForm.dispatchEvent(new Event('submit', {cancelable: true}));
        }
      }
    });
  }

  if (askForm && questionInput) {
    askForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var question = questionInput.value.trim();
      if (question && !questionInput.matches(':disabled')) {
        ask(question);
      }
    });
  }

  document.querySelectorAll('#query-tables button[data-sql]').forEach(function (button) {
    button.addEventListener('click', function () {
      if (sqlInput) {
        sqlInput.value = button.getAttribute('data-sql');
        runSql(sqlInput.value);
      }
    });
  });
})();
