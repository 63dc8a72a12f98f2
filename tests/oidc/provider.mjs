// A real OpenID Connect provider on loopback for tests/browser/test_company_sign_in.py:
// panva/oidc-provider (OpenID Certified) with its development sign-in pages, where any login
// signs in and the login is the person's e-mail. Test use only: never expose it.
//
//   OIDC_PORT=... CLIENT_ID=... CLIENT_SECRET=... REDIRECT_URI=... node provider.mjs
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      post_logout_redirect_uris: [process.env.POST_LOGOUT_REDIRECT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
    },
  ],
  scopes: ["openid", "email", "profile"],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  conformIdTokenClaims: false, // the ID token carries the e-mail (Streamlit reads only the ID token)
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["test-only-cookie-key"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id.split("@")[0] };
      },
    };
  },
});
provider.listen(port, "127.0.0.1", () => console.log(`oidc provider ready on ${issuer}`));
