/* Wharf's shared page helpers. Plain ES2017, no framework, no build step.
 * Loaded by login.html, home.html and spawn-pending.html; each page calls the
 * function named in its <body data-page="..."> attribute. */
(function () {
  'use strict';

  var CSRF_COOKIE = 'XSRF-TOKEN';
  var CSRF_HEADER = 'X-XSRF-TOKEN';

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split(';') : [];
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i].trim();
      var eq = p.indexOf('=');
      if (eq > 0 && p.slice(0, eq) === name) {
        return decodeURIComponent(p.slice(eq + 1));
      }
    }
    return '';
  }

  function csrfToken() {
    return cookie(CSRF_COOKIE);
  }

  /* fetch() with the session cookie and, for anything but GET/HEAD, the CSRF
   * header the server's double-submit check wants. */
  function api(method, url, body) {
    var headers = { 'Accept': 'application/json' };
    if (method !== 'GET' && method !== 'HEAD') {
      headers[CSRF_HEADER] = csrfToken();
    }
    var init = { method: method, headers: headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init);
  }

  /* Reads an error message out of a failed response, JSON or text. */
  function errorText(resp) {
    return resp.text().then(function (t) {
      try {
        var j = JSON.parse(t);
        if (j && j.message) { return j.message; }
      } catch (e) { /* not JSON */ }
      return t ? t.slice(0, 200) : ('HTTP ' + resp.status);
    }, function () { return 'HTTP ' + resp.status; });
  }

  /* Only same-site absolute paths may be used as a redirect target. */
  function safePath(p) {
    if (typeof p !== 'string' || p.charAt(0) !== '/' || p.charAt(1) === '/' || p.charAt(1) === '\\') {
      return '';
    }
    return p;
  }

  function $(id) { return document.getElementById(id); }

  function show(el, on) {
    if (el) { el.hidden = !on; }
  }

  function setText(el, text) {
    if (el) { el.textContent = text; }
  }

  /* Every form posting to the server carries the CSRF token in a hidden field. */
  function fillCsrfFields() {
    var token = csrfToken();
    var fields = document.querySelectorAll('input[name="' + CSRF_HEADER + '"]');
    for (var i = 0; i < fields.length; i++) { fields[i].value = token; }
  }

  function formatTime(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return iso; }
    return d.toLocaleString();
  }

  /* fetch() rejects with a TypeError when no answer arrived at all. */
  function isNetworkError(e) {
    return e instanceof TypeError;
  }

  function describe(e) {
    return isNetworkError(e) ? 'the connection was interrupted; please try again' : e.message;
  }

  /* The API path of a user's default server, or of a named one. */
  function serverPath(name, server) {
    return '/hub/api/users/' + encodeURIComponent(name) + (server ? '/servers/' + encodeURIComponent(server) : '/server');
  }

  /* options: JupyterHub's user_options, such as {profile: 'large'}; undefined sends no body, so
   * that a restart keeps the limit profile the server had. */
  function startServer(name, server, options) {
    return api('POST', serverPath(name, server), options).then(function (resp) {
      // 201: already running, 202: starting, 400 with "already running" is also fine.
      if (resp.status === 201 || resp.status === 202 || resp.status === 200) { return resp; }
      return errorText(resp).then(function (msg) {
        // Someone (another tab) started it meanwhile: the pending page will forward to it.
        if (resp.status === 400 && /already running/i.test(msg)) { return resp; }
        throw new Error(msg);
      });
    });
  }

  /* ---------------------------------------------------------------- login */
  function loginPage() {
    fillCsrfFields();
    var params = new URLSearchParams(location.search);
    var next = safePath(params.get('next') || '');
    $('next').value = next;
    if (params.get('error')) {
      var retry = parseInt(params.get('retry') || '', 10);
      var wait = retry > 0 ? (retry < 120 ? retry + ' seconds' : Math.ceil(retry / 60) + ' minutes') : 'a few minutes';
      var messages = {
        invalid: 'Invalid username or password.',
        expired: 'The sign-in form expired. Please sign in again.',
        throttled: 'Too many failed sign-ins. Try again in ' + wait + '.',
        busy: 'Too many people are signing in right now. Please try again in a moment.'
      };
      setText($('login-error'), messages[params.get('error')] || 'Sign-in failed. Please try again.');
      show($('login-error'), true);
      $('password').focus();
    } else {
      $('username').focus();
    }
    if (!csrfToken()) {
      setText($('login-error'), 'Your browser did not keep the sign-in cookie. Enable cookies for this site and reload the page.');
      show($('login-error'), true);
    }
    $('login-form').addEventListener('submit', function () {
      $('login-submit').disabled = true;
      setText($('login-submit'), 'Signing in…');
    });
  }

  /* ----------------------------------------------------------------- home */
  function homePage() {
    fillCsrfFields();
    var user = null;
    var profiles = [];

    function setBusy(on) {
      var buttons = document.querySelectorAll('#server-actions button');
      for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = on; }
    }

    function showError(msg) {
      setText($('home-error'), msg);
      show($('home-error'), !!msg);
    }

    function render(u) {
      user = u;
      setText($('user-name'), u.name);
      show($('admin-badge'), !!u.admin);
      show($('admin-link'), !!u.admin);
      var srv = (u.servers && u.servers['']) || null;
      var ready = !!(srv && srv.ready);
      var pending = u.pending || (srv && srv.pending) || null;
      var stateError = srv && (srv.error || (srv.state && srv.state.error));
      var url = (srv && srv.url) || u.server || ('/user/' + encodeURIComponent(u.name) + '/');

      var status;
      if (ready) { status = 'Running'; }
      else if (pending === 'spawn') { status = 'Starting…'; }
      else if (pending === 'stop') { status = 'Stopping…'; }
      else if (stateError) { status = 'Stopped with an error'; }
      else { status = 'Not running'; }
      setText($('server-status'), status);
      $('server-status').className = 'status ' + (ready ? 'status-ok' : (stateError ? 'status-bad' : (pending ? 'status-busy' : 'status-off')));

      setText($('server-started'), srv && srv.started ? formatTime(srv.started) : '—');
      setText($('server-activity'), formatTime((srv && srv.last_activity) || u.last_activity) || '—');
      setText($('server-profile'), srv ? describeProfile((srv.user_options && srv.user_options.profile) || 'default') : '—');

      $('open-link').href = url;
      show($('open-link'), ready);
      show($('stop-button'), ready || pending === 'spawn');
      show($('start-button'), !ready && !pending && !stateError);
      show($('progress-link'), pending === 'spawn');
      var choosing = profiles.length > 1 && !ready && !pending;
      if (choosing && $('profile-field').hidden) {
        $('profile-select').value = (srv && srv.user_options && srv.user_options.profile) || 'default';
      }
      show($('profile-field'), choosing);
      $('progress-link').href = '/hub/spawn-pending/' + encodeURIComponent(u.name);

      if (stateError && !ready) {
        setText($('server-error-text'), 'Your server stopped: ' + stateError);
        show($('server-error'), true);
      } else {
        show($('server-error'), false);
      }
      show($('server-card'), true);
      show($('loading'), false);
    }

    function profileLabel(p) {
      return p.description + (p['default'] ? '' : ' (' + p.name + ')');
    }

    function describeProfile(name) {
      for (var i = 0; i < profiles.length; i++) {
        if (profiles[i].name === name) { return profileLabel(profiles[i]); }
      }
      return name;
    }

    /* The limit profiles this user may choose; with more than one, the start offers the choice. */
    function loadProfiles(name) {
      return api('GET', '/hub/api/users/' + encodeURIComponent(name) + '/profiles').then(function (resp) {
        if (!resp.ok) { return; }
        return resp.json().then(function (list) {
          profiles = list;
          var select = $('profile-select');
          select.textContent = '';
          list.forEach(function (p) {
            var option = document.createElement('option');
            option.value = p.name;
            option.textContent = profileLabel(p);
            select.appendChild(option);
          });
        });
      }).catch(function () { /* the default profile still works */ });
    }

    function refresh() {
      return api('GET', '/hub/api/user?include_stopped_servers').then(function (resp) {
        if (resp.status === 401 || resp.status === 403) {
          location.href = '/hub/login?next=' + encodeURIComponent('/hub/home');
          return null;
        }
        if (!resp.ok) { return errorText(resp).then(function (m) { throw new Error(m); }); }
        return resp.json().then(function (u) {
          return (profiles.length ? Promise.resolve() : loadProfiles(u.name)).then(function () { render(u); });
        });
      }).catch(function (e) {
        show($('loading'), false);
        showError('Could not load your server status: ' + describe(e));
      });
    }

    function start() {
      showError('');
      setBusy(true);
      var pending = '/hub/spawn-pending/' + encodeURIComponent(user.name);
      // The choice starts out as the server's last profile, so a restart keeps it unless changed.
      var options = profiles.length > 1 ? { profile: $('profile-select').value } : undefined;
      startServer(user.name, '', options).then(function () {
        location.href = pending;
      }).catch(function (e) {
        if (isNetworkError(e)) {
          // The answer was lost, not necessarily the request: the progress page tells which.
          location.href = pending;
          return;
        }
        setBusy(false);
        showError('Could not start your server: ' + e.message);
      });
    }

    function stop() {
      showError('');
      setBusy(true);
      setText($('server-status'), 'Stopping…');
      api('DELETE', '/hub/api/users/' + encodeURIComponent(user.name) + '/server').then(function (resp) {
        if (resp.status !== 204 && resp.status !== 202 && !resp.ok) {
          return errorText(resp).then(function (m) { throw new Error(m); });
        }
        return pollUntilStopped(20);
      }).catch(function (e) {
        // Removing a container can reset the browser's connections on the Docker host itself,
        // so a lost answer is not yet a failure: look at what the server says now.
        return pollUntilStopped(isNetworkError(e) ? 10 : 0).then(function () {
          var srv = user && user.servers && user.servers[''];
          if (srv && srv.ready) {
            showError('Could not stop your server: ' + describe(e));
          }
        });
      }).then(function () { setBusy(false); });
    }

    // A 202 means the stop goes on in the background; look again until it is done.
    function pollUntilStopped(left) {
      return refresh().then(function () {
        var srv = user && user.servers && user.servers[''];
        if (left > 0 && user && (user.pending === 'stop' || (srv && srv.ready))) {
          return new Promise(function (r) { setTimeout(r, 500); }).then(function () {
            return pollUntilStopped(left - 1);
          });
        }
        return null;
      });
    }

    $('start-button').addEventListener('click', start);
    $('restart-button').addEventListener('click', start);
    $('stop-button').addEventListener('click', stop);
    refresh();
  }

  /* -------------------------------------------------------- spawn-pending */
  function spawnPendingPage() {
    fillCsrfFields();
    var m = location.pathname.match(/\/hub\/spawn-pending\/([^/]+)(?:\/([^/]+))?\/?$/);
    var name = m ? decodeURIComponent(m[1]) : '';
    var server = m && m[2] ? decodeURIComponent(m[2]) : '';
    var source = null;
    var done = false;
    var log = $('progress-log');
    var bar = $('progress-bar');

    setText($('spawn-user'), name);
    $('home-link').href = '/hub/home';

    function setProgress(pct) {
      var p = Math.max(0, Math.min(100, Math.round(pct)));
      bar.value = p;
      setText($('progress-pct'), p + '%');
    }

    function addMessage(text, kind) {
      // The stream repeats the current state when it (re)connects; show each step once.
      if (!text || (log.lastChild && log.lastChild.textContent === text)) { return; }
      var li = document.createElement('li');
      li.textContent = text;
      if (kind) { li.className = kind; }
      log.appendChild(li);
      log.scrollTop = log.scrollHeight;
    }

    function fail(message) {
      done = true;
      if (source) { source.close(); source = null; }
      $('spawn-card').classList.add('failed');
      setText($('spawn-title'), 'Your server could not start');
      setText($('spawn-status'), '');
      setText($('spawn-error-text'), message || 'The server failed to start.');
      show($('spawn-error'), true);
      show($('retry-button'), true);
      $('retry-button').disabled = false;
      $('retry-button').focus();
    }

    function open() {
      done = false;
      var url = serverPath(name, server) + '/progress';
      source = new EventSource(url);
      source.onmessage = function (ev) {
        var data;
        try { data = JSON.parse(ev.data); } catch (e) { return; }
        if (typeof data.progress === 'number') { setProgress(data.progress); }
        if (data.failed) {
          addMessage(data.message, 'msg-bad');
          fail(data.message);
          return;
        }
        addMessage(data.message, data.ready ? 'msg-ok' : '');
        if (data.ready) {
          done = true;
          source.close();
          source = null;
          setProgress(100);
          setText($('spawn-title'), 'Your server is ready');
          var target = safePath(data.url) || ('/user/' + encodeURIComponent(name) + '/' + (server ? encodeURIComponent(server) + '/' : ''));
          setText($('spawn-status'), 'Opening ' + target + ' …');
          location.replace(target);
        }
      };
      source.onerror = function () {
        if (done) { return; }
        // EventSource reconnects by itself while readyState is CONNECTING; a CLOSED
        // stream means the server refused it (not logged in, unknown user, ...).
        if (source && source.readyState === EventSource.CLOSED) {
          fail('Lost contact with the server while it was starting. Check that you are still signed in.');
        } else {
          setText($('spawn-status'), 'Connection interrupted, reconnecting…');
        }
      };
      source.onopen = function () {
        setText($('spawn-status'), 'Waiting for your server…');
      };
    }

    $('retry-button').addEventListener('click', function () {
      $('retry-button').disabled = true;
      show($('spawn-error'), false);
      $('spawn-card').classList.remove('failed');
      setText($('spawn-title'), 'Starting your server');
      setProgress(0);
      log.textContent = '';
      addMessage('Requesting a new start…');
      startServer(name, server).then(function () {
        show($('retry-button'), false);
        open();
      }).catch(function (e) {
        if (isNetworkError(e)) {
          // The answer was lost, not necessarily the request: the stream tells which.
          show($('retry-button'), false);
          open();
          return;
        }
        fail('Could not start your server: ' + describe(e));
      });
    });

    if (!name) {
      fail('No user name in this address.');
      return;
    }
    setProgress(0);
    open();
  }

  var pages = { login: loginPage, home: homePage, 'spawn-pending': spawnPendingPage };

  /* A new element with text content and attributes; never innerHTML, so names cannot inject markup. */
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  window.Wharf = {
    show: show,
    el: el,
    cookie: cookie,
    csrfToken: csrfToken,
    api: api,
    safePath: safePath
  };

  document.addEventListener('DOMContentLoaded', function () {
    // Every GET under /hub/ may renew the CSRF cookie, so copy it into the form at the
    // moment it is sent rather than only when the page loaded.
    document.addEventListener('submit', fillCsrfFields, true);
    var page = document.body.getAttribute('data-page');
    if (pages[page]) { pages[page](); }
  });
}());
