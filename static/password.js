/*
 * Home page: the "Change your password" form. Posts {current_password, password} as JSON to
 * POST /hub/api/users/{name}/password with the CSRF header; the answer's new session cookie
 * keeps this browser signed in, while the account's other sessions end.
 */
(function () {
  'use strict';
  var card = document.getElementById('password-card');
  var form = document.getElementById('password-form');
  var message = document.getElementById('password-message');
  var submit = document.getElementById('password-submit');
  if (!card || !form || !window.fetch) {
    return;
  }

  function xsrf() {
    var match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : '';
  }

  function say(text, ok) {
    message.textContent = text;
    message.className = ok ? 'muted' : 'alert';
    message.hidden = false;
  }

  fetch('/hub/api/user', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (resp) { return resp.ok ? resp.json() : null; })
    .then(function (user) {
      if (!user || typeof user.name !== 'string') {
        return;
      }
      card.hidden = false;
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        submit.disabled = true;
        var current = document.getElementById('current-password');
        var fresh = document.getElementById('new-password');
        fetch('/hub/api/users/' + encodeURIComponent(user.name) + '/password', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Accept': 'application/json', 'Content-Type': 'application/json', 'X-XSRF-TOKEN': xsrf() },
          body: JSON.stringify({ current_password: current.value, password: fresh.value })
        }).then(function (resp) {
          if (resp.status === 204) {
            current.value = '';
            fresh.value = '';
            say('Password changed. Your sessions in other browsers have ended.', true);
            return null;
          }
          return resp.json().then(function (body) {
            say((body && body.message) || 'The password was not changed (' + resp.status + ').', false);
          }, function () {
            say('The password was not changed (' + resp.status + ').', false);
          });
        }).catch(function () {
          say('The password was not changed: Wharf did not answer.', false);
        }).then(function () {
          submit.disabled = false;
        });
      });
    })
    .catch(function () { /* No form: the API still works. */ });
}());
