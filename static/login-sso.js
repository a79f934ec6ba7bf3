/*
 * Login page: when single sign-on is configured (auth.oidc), shows "Sign in with <provider>",
 * a link to /hub/oidc/login that keeps the page's ?next=. Without it, /hub/oidc/provider answers
 * 404 and the page shows only the password form.
 */
(function () {
  'use strict';
  var box = document.getElementById('oidc');
  var link = document.getElementById('oidc-login');
  if (!box || !link || !window.fetch) {
    return;
  }
  fetch('/hub/oidc/provider', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (resp) { return resp.ok ? resp.json() : null; })
    .then(function (provider) {
      if (!provider || typeof provider.name !== 'string' || typeof provider.login !== 'string') {
        return;
      }
      var next = new URLSearchParams(location.search).get('next') || '';
      // Only a path on this site, as the form's own next.
      var local = next.charAt(0) === '/' && next.charAt(1) !== '/' && next.charAt(1) !== '\\';
      link.href = provider.login + (local ? '?next=' + encodeURIComponent(next) : '');
      link.textContent = 'Sign in with ' + provider.name;
      box.hidden = false;
    })
    .catch(function () { /* No button: the password form still works. */ });
}());
