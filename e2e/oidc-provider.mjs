// A real OpenID Connect provider for the `auth` e2e project (oidc-provider, the certified Node
// implementation). Its development login form takes any login and any password: the login is
// the email address. Usage: node e2e/oidc-provider.mjs <port> <client_id> <client_secret> <app origin>
import { createServer } from "node:http";
import Provider from "oidc-provider";

const [port = "3290", clientId, clientSecret, appOrigin] = process.argv.slice(2);
if (!clientId || !clientSecret || !appOrigin) {
  console.error(
    "usage: node e2e/oidc-provider.mjs <port> <client_id> <client_secret> <app origin>",
  );
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${appOrigin}/api/auth/callback/oidc`],
      response_types: ["code"],
      grant_types: ["authorization_code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  scopes: ["openid", "email", "profile"],
  features: { devInteractions: { enabled: true } },
  // Test cookies only; oidc-provider warns without keys.
  cookies: { keys: ["e2e-oidc-cookie-key-not-a-secret"] },
  // "alice@team.test" signs in as alice@team.test, named "alice".
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id.split("@")[0] };
      },
    };
  },
  // A first-party client: skip the consent screen by granting what it asks for.
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});

// Say why a flow failed: the app only sees "invalid_grant".
for (const event of ["grant.error", "authorization.error", "server_error", "userinfo.error"]) {
  provider.on(event, (_ctx, error) =>
    console.error(`oidc-provider ${event}: ${error.message} ${error.error_detail ?? ""}`),
  );
}

const server = createServer(provider.callback());
server.listen(Number(port), "127.0.0.1", () => console.log(`ready ${issuer}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
