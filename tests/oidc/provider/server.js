// A real OpenID Provider for the sign-in tests: oidc-provider with test clients, users and
// HelseID's organisation-number claim. Started by tests/oidc/provider.py:
//   node server.js --port 0 --keys keys.json --audience https://portfolio.test/api
//                  [--issuer URL] [--redirect-uri URL]
// It prints one line, "ready <issuer>", once it listens.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    keys: { type: 'string' },
    audience: { type: 'string' },
    issuer: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
  },
});

const ORG_CLAIM = 'helseid://claims/client/claims/orgnr_parent';
const port = Number(options.port);
const issuer = options.issuer ?? `http://127.0.0.1:${port}`;

// People who sign in through the browser: any password is accepted (devInteractions).
const USERS = {
  kari: { name: 'Kari Nordmann', orgnr: '983544622' }, // Helsedirektoratet
  ola: { name: 'Ola Nordmann', orgnr: '994598759' }, // Norsk helsenett SF
  siri: { name: 'Siri Sørøst', orgnr: '991324968' }, // Helse Sør-Øst RHF
  per: { name: 'Per Utenfor', orgnr: '999999999' }, // no organisation of the portfolio
};

const clients = [
  // Systems with tokens of their own (client credentials), as HelseID issues them.
  { client_id: 'hdir-system', orgnr: '983544622' },
  { client_id: 'nhn-system', orgnr: '994598759' },
  { client_id: 'unknown-org-system', orgnr: '999999999' },
  { client_id: 'office-system', orgnr: '983544622', portfolio_role: 'ADMIN' },
].map((client) => ({
  ...client,
  client_secret: `${client.client_id}-secret`,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
}));
// The service itself, signing people in (authorization code with PKCE).
clients.push({
  client_id: 'portfolio-web',
  client_secret: 'portfolio-web-secret',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: options['redirect-uri'],
  post_logout_redirect_uris: options['post-logout-redirect-uri'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(issuer, {
  clients,
  extraClientMetadata: { properties: ['orgnr', 'portfolio_role'] },
  jwks: JSON.parse(readFileSync(options.keys, 'utf8')),
  scopes: ['openid', 'profile', 'orgnr', 'portfolio'],
  claims: { openid: ['sub'], profile: ['name'], orgnr: [ORG_CLAIM] },
  pkce: { required: () => true },
  // Name and organisation number in the ID token itself, as the service reads them there.
  conformIdTokenClaims: false,
  ttl: { ClientCredentials: 600, AccessToken: 600, IdToken: 600, Grant: 600, Session: 3600 },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => options.audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => ({
        scope: 'portfolio',
        audience: resourceIndicator,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  async extraTokenClaims(_ctx, token) {
    if (token.kind === 'ClientCredentials') {
      const client = clients.find((each) => each.client_id === token.clientId);
      const claims = { [ORG_CLAIM]: client.orgnr };
      if (client.portfolio_role) claims.portfolio_role = client.portfolio_role;
      return claims;
    }
    const user = USERS[token.accountId];
    return user ? { [ORG_CLAIM]: user.orgnr, name: user.name } : {};
  },
  async findAccount(_ctx, id) {
    const user = USERS[id] ?? { name: id, orgnr: undefined };
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: user.name, [ORG_CLAIM]: user.orgnr };
      },
    };
  },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
