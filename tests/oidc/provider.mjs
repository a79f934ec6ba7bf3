// A real OpenID Connect provider for Wharf's single sign-on browser test: node-oidc-provider on
// 127.0.0.1, with one static confidential client (Wharf) and a few test people. Its built-in
// development sign-in pages take any password; the login name picks the person below, and an
// unknown name is refused.
//
// Env: OIDC_PORT (required), OIDC_REDIRECT_URI (Wharf's callback, required),
//      OIDC_CLIENT_ID (wharf), OIDC_CLIENT_SECRET (wharf-test-secret).
// Prints "oidc-provider ready at <issuer>" once it listens.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const redirectUri = process.env.OIDC_REDIRECT_URI;
if (!port || !redirectUri) {
  console.error('OIDC_PORT and OIDC_REDIRECT_URI are required');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

// The login name typed at the provider is the subject; the claims are what Wharf reads.
const people = {
  alice: { preferred_username: 'sso-alice', name: 'Alice Example', email: 'alice@example.org', groups: ['staff'] },
  root: { preferred_username: 'sso-root', name: 'Root Example', email: 'root@example.org', groups: ['staff', 'wharf-admins'] },
  eve: { preferred_username: 'sso-eve', name: 'Eve Outsider', email: 'eve@example.org', groups: ['visitors'] },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID || 'wharf',
    client_secret: process.env.OIDC_CLIENT_SECRET || 'wharf-test-secret',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name', 'groups'],
    email: ['email'],
  },
  pkce: { required: () => true },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) {
      return undefined;
    }
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
});

http.createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
