/* The admin page (/hub/admin) and the token page (/hub/token). Plain ES2017, no framework, no
 * build step; uses wharf.js's window.Wharf.api for the session cookie and the CSRF header. */
(function () {
  'use strict';

  var REFRESH_MS = 3000;

  function $(id) { return document.getElementById(id); }

  // The DOM helpers the pages share (wharf.js).
  var show = window.Wharf.show;
  var el = window.Wharf.el;

  function time(iso) {
    if (!iso) { return '—'; }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  function bytes(n) {
    if (typeof n !== 'number' || n <= 0) { return '0'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + units[i];
  }

  function api(method, url, body) {
    return window.Wharf.api(method, url, body);
  }

  /* The JSON of a successful answer; a failed one becomes an Error with the server's message. */
  function json(resp) {
    if (resp.status === 204) { return Promise.resolve(null); }
    return resp.text().then(function (t) {
      var body = null;
      try { body = t ? JSON.parse(t) : null; } catch (e) { body = null; }
      if (!resp.ok) {
        throw new Error((body && body.message) || ('HTTP ' + resp.status));
      }
      return body;
    });
  }

  function errorBox(id) {
    return function (msg) {
      $(id).textContent = msg || '';
      show($(id), !!msg);
    };
  }

  /* The signed-in user; a caller who is not signed in goes to the login page. */
  function whoAmI(next) {
    return api('GET', '/hub/api/user').then(function (resp) {
      if (resp.status === 401 || resp.status === 403) {
        location.href = '/hub/login?next=' + encodeURIComponent(next);
        return new Promise(function () { /* navigating away */ });
      }
      return json(resp);
    }).then(function (me) {
      $('user-name').textContent = me.name;
      show($('admin-link'), !!me.admin);
      return me;
    });
  }

  function button(label, kind, action, data) {
    var b = el('button', label, { type: 'button', 'class': 'btn small ' + kind, 'data-action': action });
    Object.keys(data).forEach(function (k) { b.dataset[k] = data[k]; });
    return b;
  }

  function serverState(srv) {
    if (!srv) { return { text: 'Not running', cls: 'status-off' }; }
    if (srv.ready) { return { text: 'Running', cls: 'status-ok' }; }
    if (srv.pending === 'spawn') { return { text: 'Starting…', cls: 'status-busy' }; }
    if (srv.pending === 'stop') { return { text: 'Stopping…', cls: 'status-busy' }; }
    if (srv.state && srv.state.error) { return { text: 'Stopped with an error', cls: 'status-bad', title: srv.state.error }; }
    return { text: 'Not running', cls: 'status-off' };
  }

  function serverPath(user, server) {
    return '/hub/api/users/' + encodeURIComponent(user) + (server ? '/servers/' + encodeURIComponent(server) : '/server');
  }

  /* ---------------------------------------------------------------- admin */
  function adminPage() {
    var showError = errorBox('admin-error');
    var users = [];

    function matches(u, filter) {
      if (!filter) { return true; }
      var groups = (u.groups || []).join(' ').toLowerCase();
      return u.name.toLowerCase().indexOf(filter) >= 0 || groups.indexOf(filter) >= 0;
    }

    function userRows(u) {
      var servers = u.servers || {};
      var names = Object.keys(servers).sort();
      if (names.indexOf('') < 0) { names.unshift(''); }
      return names.map(function (server, i) {
        var srv = servers[server] || null;
        var state = serverState(srv);
        var tr = el('tr', null, { 'data-user': u.name, 'data-server': server });
        if (i > 0) { tr.className = 'sub'; }
        var who = el('td');
        if (i === 0) {
          who.appendChild(el('strong', u.name));
          if (u.admin) { who.appendChild(document.createTextNode(' ')); who.appendChild(el('span', 'admin', { 'class': 'badge' })); }
        }
        tr.appendChild(who);
        var groups = el('td');
        if (i === 0) {
          (u.groups || []).forEach(function (g) { groups.appendChild(el('span', g, { 'class': 'tag' })); });
          if (!(u.groups || []).length) { groups.textContent = '—'; }
        }
        tr.appendChild(groups);
        tr.appendChild(el('td', server ? server : 'default'));
        var st = el('td');
        var badge = el('span', state.text, { 'class': 'status ' + state.cls });
        if (state.title) { badge.title = state.title; }
        st.appendChild(badge);
        tr.appendChild(st);
        var profile = srv && srv.user_options && srv.user_options.profile;
        tr.appendChild(el('td', srv ? (profile || 'default') : '—'));
        tr.appendChild(el('td', time((srv && srv.last_activity) || (i === 0 ? u.last_activity : null))));
        var actions = el('td', null, { 'class': 'actions-cell' });
        var data = { user: u.name, server: server };
        if (srv && srv.ready) {
          actions.appendChild(el('a', 'Open', { 'class': 'btn small secondary', href: srv.url || ('/user/' + encodeURIComponent(u.name) + '/') }));
        }
        if (srv && (srv.ready || srv.pending === 'spawn')) {
          actions.appendChild(button('Stop', 'danger', 'stop', data));
        } else if (!srv || !srv.pending) {
          actions.appendChild(button('Start', '', 'start', data));
        }
        if (i === 0) {
          actions.appendChild(button('Delete user', 'danger', 'delete', data));
        }
        tr.appendChild(actions);
        return tr;
      });
    }

    function renderUsers() {
      var filter = $('user-filter').value.trim().toLowerCase();
      var body = $('users-body');
      body.textContent = '';
      var shown = 0;
      users.forEach(function (u) {
        if (matches(u, filter)) {
          shown++;
          userRows(u).forEach(function (tr) { body.appendChild(tr); });
        }
      });
      show($('users-empty'), shown === 0);
    }

    function loadUsers() {
      return api('GET', '/hub/api/users?include_stopped_servers=1').then(json).then(function (list) {
        // JupyterHub's pagination envelope, should the server answer with it.
        users = Array.isArray(list) ? list : ((list && list.items) || []);
        users.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
        renderUsers();
      });
    }

    function renderInstances(body) {
      var tbody = $('instances-body');
      tbody.textContent = '';
      (body.instances || []).forEach(function (inst) {
        var tr = el('tr', null, { 'data-instance': inst.id });
        tr.appendChild(el('td', inst.id));
        tr.appendChild(el('td', inst.address || '—'));
        var st = el('td');
        st.appendChild(el('span', inst.alive === false ? 'gone' : inst.state,
          { 'class': 'status ' + (inst.alive === false ? 'status-bad' : inst.state === 'draining' ? 'status-busy' : 'status-ok') }));
        tr.appendChild(st);
        tr.appendChild(el('td', inst.leader ? 'leader' : '—'));
        tr.appendChild(el('td', inst.docker ? 'up' : 'down'));
        tr.appendChild(el('td', inst.running + (inst.max_containers ? ' / ' + inst.max_containers : '')));
        var pct = inst.max_memory ? ' (' + Math.round(100 * inst.memory_reserved / inst.max_memory) + '%)' : '';
        tr.appendChild(el('td', bytes(inst.memory_reserved) + (inst.max_memory ? ' / ' + bytes(inst.max_memory) : '') + pct));
        tr.appendChild(el('td', time(inst.reported)));
        var actions = el('td', null, { 'class': 'actions-cell' });
        actions.appendChild(inst.state === 'draining'
          ? button('Resume placing', 'secondary', 'undrain', { instance: inst.id })
          : button('Drain', 'danger', 'drain', { instance: inst.id }));
        tr.appendChild(actions);
        tbody.appendChild(tr);
      });
      $('instances-safe').textContent = body.safe
        ? 'One more instance may stop without losing shared state.'
        : 'Stopping an instance now could lose shared state: wait for backups.';
    }

    function loadInstances() {
      return api('GET', '/hub/api/instances').then(json).then(renderInstances);
    }

    function refresh() {
      return Promise.all([loadUsers(), loadInstances()]).then(function () { showError(''); }, function (e) {
        showError('Could not load: ' + e.message);
      });
    }

    function act(b) {
      var d = b.dataset;
      var action = b.getAttribute('data-action');
      var call;
      if (action === 'start') {
        call = api('POST', serverPath(d.user, d.server));
      } else if (action === 'stop') {
        call = api('DELETE', serverPath(d.user, d.server));
      } else if (action === 'delete') {
        if (!window.confirm('Delete user ' + d.user + ', stopping their servers and revoking their tokens?')) { return; }
        call = api('DELETE', '/hub/api/users/' + encodeURIComponent(d.user));
      } else if (action === 'drain' || action === 'undrain') {
        call = api(action === 'drain' ? 'POST' : 'DELETE', '/hub/api/instances/' + encodeURIComponent(d.instance) + '/drain');
      } else {
        return;
      }
      b.disabled = true;
      call.then(json).then(function () { showError(''); }, function (e) {
        showError('Could not ' + action + (d.user ? ' ' + d.user : '') + ': ' + e.message);
      }).then(refresh);
    }

    document.addEventListener('click', function (ev) {
      var b = ev.target.closest && ev.target.closest('button[data-action]');
      if (b) { act(b); }
    });
    $('user-filter').addEventListener('input', renderUsers);

    $('add-users-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var names = $('new-usernames').value.split(/[\s,]+/).filter(function (n) { return n; });
      var body = { usernames: names, admin: $('new-admin').checked };
      if ($('new-password').value) { body.password = $('new-password').value; }
      $('add-users-button').disabled = true;
      api('POST', '/hub/api/users', body).then(json).then(function (created) {
        $('add-users-result').textContent = 'Added ' + created.map(function (u) { return u.name; }).join(', ') + '.';
        $('new-usernames').value = '';
        $('new-password').value = '';
        showError('');
      }, function (e) {
        $('add-users-result').textContent = '';
        showError('Could not add users: ' + e.message);
      }).then(function () {
        $('add-users-button').disabled = false;
        return refresh();
      });
    });

    whoAmI('/hub/admin').then(function () {
      refresh();
      setInterval(function () { if (!document.hidden) { refresh(); } }, REFRESH_MS);
    }, function (e) { showError('Could not load: ' + e.message); });
  }

  /* ---------------------------------------------------------------- token */
  function tokenPage() {
    var showError = errorBox('token-error');
    var me = null;

    function tokensPath(id) {
      return '/hub/api/users/' + encodeURIComponent(me.name) + '/tokens' + (id ? '/' + encodeURIComponent(id) : '');
    }

    function render(list) {
      var tbody = $('tokens-body');
      tbody.textContent = '';
      list.forEach(function (t) {
        var tr = el('tr', null, { 'data-token': t.id });
        tr.appendChild(el('td', t.note || '—'));
        var id = el('td');
        id.appendChild(el('code', t.id));
        tr.appendChild(id);
        var scopes = el('td');
        (t.scopes || []).forEach(function (s) { scopes.appendChild(el('span', s, { 'class': 'tag' })); });
        tr.appendChild(scopes);
        tr.appendChild(el('td', time(t.created)));
        tr.appendChild(el('td', t.expires_at ? time(t.expires_at) : 'never'));
        tr.appendChild(el('td', time(t.last_activity)));
        var actions = el('td', null, { 'class': 'actions-cell' });
        actions.appendChild(button('Revoke', 'danger', 'revoke', { token: t.id }));
        tr.appendChild(actions);
        tbody.appendChild(tr);
      });
      show($('tokens-empty'), list.length === 0);
    }

    function load() {
      return api('GET', tokensPath()).then(json).then(function (body) {
        render((body && body.api_tokens) || []);
      }).catch(function (e) { showError('Could not list your tokens: ' + e.message); });
    }

    $('token-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      $('token-create').disabled = true;
      var body = { note: $('token-note').value, expires_in: parseInt($('token-expiry').value, 10) };
      api('POST', tokensPath(), body).then(json).then(function (created) {
        $('token-value').value = created.token;
        show($('token-shown'), true);
        $('token-value').select();
        $('token-note').value = '';
        showError('');
        return load();
      }, function (e) { showError('Could not create the token: ' + e.message); })
        .then(function () { $('token-create').disabled = false; });
    });

    $('token-copy').addEventListener('click', function () {
      var value = $('token-value').value;
      $('token-value').select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(value).then(function () { $('token-copy').textContent = 'Copied'; }, function () { /* selected */ });
      }
    });

    document.addEventListener('click', function (ev) {
      var b = ev.target.closest && ev.target.closest('button[data-action="revoke"]');
      if (!b) { return; }
      if (!window.confirm('Revoke this token? Whatever uses it stops working.')) { return; }
      b.disabled = true;
      api('DELETE', tokensPath(b.dataset.token)).then(json).then(function () { showError(''); }, function (e) {
        showError('Could not revoke the token: ' + e.message);
      }).then(load);
    });

    whoAmI('/hub/token').then(function (user) {
      me = user;
      return load();
    }, function (e) { showError('Could not load: ' + e.message); });
  }

  var pages = { admin: adminPage, token: tokenPage };
  document.addEventListener('DOMContentLoaded', function () {
    var page = pages[document.body.getAttribute('data-page')];
    if (page) { page(); }
  });
}());
