// A real OpenID provider for the tests (npm oidc-provider, installed into .tools/ by scripts/install-tools.sh):
// one confidential client, and accounts whose subject is whatever login is typed at the provider's own
// development login form; the e-mail address of a known subject comes from OIDC_TEST_USERS.
// Environment: PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma-separated),
// OIDC_TEST_USERS (JSON {"subject": "e-mail address"}). Prints "ready <issuer>" when it listens.
// ES modules ignore NODE_PATH: the package is imported from the project's .tools/ by path.
const { default: Provider } = await import(
  new URL('../../.tools/node_modules/oidc-provider/lib/index.js', import.meta.url));

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const users = JSON.parse(process.env.OIDC_TEST_USERS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: process.env.OIDC_REDIRECT_URIS.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  pkce: { required: () => true },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: users[sub] || `${sub}@unknown.example`, email_verified: true };
      },
    };
  },
  // A first-party client: the consent screen is skipped by granting what it asks.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId,
                                                accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
