/* The Functions page (/hub/functions): publish a folder of the home as a function, its versions,
 * keys, recent invocations and its containers' log tail. Plain ES2017, no framework, no build step;
 * uses wharf.js's window.Wharf.api for the session cookie and the CSRF header. */
(function () {
  'use strict';

  var REFRESH_MS = 3000;

  function $(id) { return document.getElementById(id); }

  // The DOM helpers the pages share (wharf.js).
  var show = window.Wharf.show;
  var el = window.Wharf.el;

  function time(millis) {
    if (!millis) { return '—'; }
    return new Date(millis).toLocaleString();
  }

  function api(method, url, body) { return window.Wharf.api(method, url, body); }

  /* The JSON of a successful answer; a failed one becomes an Error with the server's message. */
  function json(resp) {
    if (resp.status === 204) { return Promise.resolve(null); }
    return resp.text().then(function (t) {
      var body = null;
      try { body = t ? JSON.parse(t) : null; } catch (e) { body = null; }
      if (!resp.ok) { throw new Error((body && (body.message || body.detail)) || ('HTTP ' + resp.status)); }
      return body;
    });
  }

  function button(label, kind, action, data) {
    var b = el('button', label, { type: 'button', 'class': 'btn small ' + kind, 'data-action': action });
    Object.keys(data).forEach(function (k) { b.dataset[k] = data[k]; });
    return b;
  }

  function cell(tr, text, code) {
    var td = el('td');
    if (code) { td.appendChild(el('code', text)); } else { td.textContent = text; }
    tr.appendChild(td);
    return td;
  }

  function functionsPage() {
    var me = null;
    var selected = null;

    function showError(msg) {
      $('fn-error').textContent = msg || '';
      show($('fn-error'), !!msg);
    }

    function path(fn, rest) {
      return '/hub/api/users/' + encodeURIComponent(me.name) + '/functions'
        + (fn ? '/' + encodeURIComponent(fn) : '') + (rest || '');
    }

    function renderList(list) {
      var tbody = $('functions-body');
      tbody.textContent = '';
      list.sort(function (a, b) { return a.name < b.name ? -1 : 1; }).forEach(function (f) {
        var tr = el('tr', null, { 'data-function': f.name });
        cell(tr, f.name);
        cell(tr, f.url, true);
        cell(tr, f.version.slice(0, 12), true);
        cell(tr, f['public'] ? 'public' : 'key');
        cell(tr, f.timeout_seconds + ' s');
        cell(tr, f.min_containers + '–' + f.max_containers);
        cell(tr, String(f.concurrency));
        cell(tr, time(f.updated_at));
        var actions = el('td', null, { 'class': 'actions-cell' });
        actions.appendChild(button('Details', 'secondary', 'select', { fn: f.name }));
        actions.appendChild(button('Edit', 'secondary', 'edit', { fn: f.name }));
        actions.appendChild(button('Delete', 'danger', 'delete', { fn: f.name }));
        tr.appendChild(actions);
        tr.fnModel = f;
        tbody.appendChild(tr);
      });
      show($('functions-empty'), list.length === 0);
    }

    function loadList() {
      return api('GET', path()).then(json).then(function (list) {
        renderList(list || []);
        if (selected && !(list || []).some(function (f) { return f.name === selected; })) { select(null); }
      }).catch(function (e) { showError('Could not list your functions: ' + e.message); });
    }

    function renderVersions(fn) {
      var tbody = $('versions-body');
      tbody.textContent = '';
      (fn.versions || []).forEach(function (v) {
        var tr = el('tr', null, { 'data-version': v.version });
        cell(tr, v.version, true);
        cell(tr, time(v.published_at));
        cell(tr, v.version === fn.version ? 'serving' : '');
        tbody.appendChild(tr);
      });
    }

    function renderKeys(keys) {
      var tbody = $('keys-body');
      tbody.textContent = '';
      keys.forEach(function (k) {
        var tr = el('tr', null, { 'data-key': k.id });
        cell(tr, k.note || '—');
        cell(tr, k.id, true);
        cell(tr, time(k.created_at));
        cell(tr, k.expires_at ? time(k.expires_at) + (k.expired ? ' (expired)' : '') : 'never');
        var actions = el('td', null, { 'class': 'actions-cell' });
        actions.appendChild(button('Revoke', 'danger', 'revoke', { key: k.id }));
        tr.appendChild(actions);
        tbody.appendChild(tr);
      });
      show($('keys-empty'), keys.length === 0);
    }

    function renderInvocations(body) {
      var tbody = $('invocations-body');
      var list = (body && body.invocations) || [];
      tbody.textContent = '';
      list.forEach(function (c) {
        var tr = el('tr', null, { 'data-status': String(c.status) });
        cell(tr, new Date(c.at).toLocaleTimeString());
        cell(tr, c.command, true);
        cell(tr, String(c.status));
        cell(tr, c.outcome);
        cell(tr, c.duration_ms.toFixed(1) + ' ms');
        tbody.appendChild(tr);
      });
      show($('invocations-empty'), list.length === 0);
    }

    function renderLogs(body) {
      var box = $('logs');
      var containers = (body && body.containers) || [];
      box.textContent = '';
      containers.forEach(function (c) {
        box.appendChild(el('p', null)).appendChild(el('code', c.id.slice(0, 12)));
        box.appendChild(el('pre', (c.lines || []).join('\n'), { 'class': 'log' }));
      });
      show($('logs-empty'), containers.length === 0);
    }

    function loadDetail() {
      if (!selected) { return Promise.resolve(); }
      var fn = selected;
      return Promise.all([
        api('GET', path(fn)).then(json),
        api('GET', path(fn, '/keys')).then(json),
        api('GET', path(fn, '/invocations')).then(json),
        api('GET', path(fn, '/logs?lines=50')).then(json).catch(function (e) {
          return { containers: [{ id: 'logs unavailable', lines: [e.message] }] };
        })
      ]).then(function (r) {
        if (fn !== selected) { return; }
        renderVersions(r[0]);
        renderKeys(r[1] || []);
        renderInvocations(r[2]);
        renderLogs(r[3]);
      }).catch(function (e) { showError('Could not load function ' + fn + ': ' + e.message); });
    }

    function select(name) {
      selected = name;
      show($('detail'), !!name);
      show($('key-shown'), false);
      if (name) {
        $('detail-name').textContent = name;
        loadDetail();
      }
    }

    function fill(f) {
      $('fn-name').value = f.name;
      $('fn-path').value = f.path;
      $('fn-public').checked = !!f['public'];
      $('fn-timeout').value = f.timeout_seconds;
      $('fn-min').value = f.min_containers;
      $('fn-max').value = f.max_containers;
      $('fn-concurrency').value = f.concurrency;
      $('fn-name').focus();
    }

    $('publish-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var name = $('fn-name').value.trim();
      var body = {
        path: $('fn-path').value.trim(),
        'public': $('fn-public').checked,
        timeout_seconds: parseInt($('fn-timeout').value, 10),
        min_containers: parseInt($('fn-min').value, 10),
        max_containers: parseInt($('fn-max').value, 10),
        concurrency: parseInt($('fn-concurrency').value, 10)
      };
      $('publish-button').disabled = true;
      $('publish-status').textContent = 'Publishing…';
      api('POST', path(name), body).then(json).then(function (f) {
        $('publish-status').textContent = 'Published ' + f.name + ' version ' + f.version.slice(0, 12) + '.';
        showError('');
        select(f.name);
        return loadList();
      }, function (e) {
        $('publish-status').textContent = '';
        showError('Could not publish ' + name + ': ' + e.message);
      }).then(function () { $('publish-button').disabled = false; });
    });

    $('key-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      $('key-create').disabled = true;
      var body = { note: $('key-note').value, expires_in: parseInt($('key-expiry').value, 10) };
      api('POST', path(selected, '/keys'), body).then(json).then(function (created) {
        $('key-value').value = created.key;
        show($('key-shown'), true);
        $('key-value').select();
        $('key-note').value = '';
        showError('');
        return loadDetail();
      }, function (e) { showError('Could not create the key: ' + e.message); })
        .then(function () { $('key-create').disabled = false; });
    });

    $('key-copy').addEventListener('click', function () {
      $('key-value').select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText($('key-value').value).then(function () { $('key-copy').textContent = 'Copied'; }, function () { });
      }
    });

    document.addEventListener('click', function (ev) {
      var b = ev.target.closest && ev.target.closest('button[data-action]');
      if (!b) { return; }
      var action = b.dataset.action;
      if (action === 'select') {
        select(b.dataset.fn);
      } else if (action === 'edit') {
        fill(b.closest('tr').fnModel);
      } else if (action === 'delete') {
        if (!window.confirm('Delete function ' + b.dataset.fn + '? Its keys stop working.')) { return; }
        b.disabled = true;
        api('DELETE', path(b.dataset.fn)).then(json).then(function () { showError(''); }, function (e) {
          showError('Could not delete the function: ' + e.message);
        }).then(loadList);
      } else if (action === 'revoke') {
        if (!window.confirm('Revoke this key? Whatever uses it stops working.')) { return; }
        b.disabled = true;
        api('DELETE', path(selected, '/keys/' + encodeURIComponent(b.dataset.key))).then(json).then(function () { showError(''); },
          function (e) { showError('Could not revoke the key: ' + e.message); }).then(loadDetail);
      }
    });

    api('GET', '/hub/api/user').then(function (resp) {
      if (resp.status === 401 || resp.status === 403) {
        location.href = '/hub/login?next=' + encodeURIComponent('/hub/functions');
        return new Promise(function () { /* navigating away */ });
      }
      return json(resp);
    }).then(function (user) {
      me = user;
      $('user-name').textContent = me.name;
      show($('admin-link'), !!me.admin);
      return loadList();
    }).then(function () {
      setInterval(function () { if (!document.hidden) { loadDetail(); } }, REFRESH_MS);
    }, function (e) { showError('Could not load: ' + e.message); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (document.body.getAttribute('data-page') === 'functions') { functionsPage(); }
  });
}());
