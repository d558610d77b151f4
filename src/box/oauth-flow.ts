/**
 * Box sign-in (OAuth 2.0 authorization code) through the SDK, server side. The SDK's
 * `getAuthorizeUrl()` ignores configured base URLs, so we build the authorize URL ourselves; it cannot
 * send a PKCE `code_verifier`, so an interceptor adds it (and the redirect URI) to the token request.
 * Every auth call gets our network session explicitly; without it the SDK would call api.box.com.
 */
import { BoxClient } from 'box-node-sdk';
import { BoxDeveloperTokenAuth, BoxOAuth, InMemoryTokenStorage, OAuthConfig } from 'box-node-sdk/box';
import type { BoxConnector } from './box-connector.ts';
import { toBoxEnterpriseUser } from './box-mapping.ts';
import type { BoxEnterpriseUser } from './box-model.ts';

export interface BoxTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface OAuthFlow {
  authorizeUrl(o: { state: string; codeChallenge: string; redirectUri: string }): string;
  exchangeCode(o: { code: string; codeVerifier: string; redirectUri: string }): Promise<BoxTokens>;
  refresh(refreshToken: string): Promise<BoxTokens>;
  currentUser(accessToken: string): Promise<BoxEnterpriseUser>;
}

export function createOAuthFlow(box: BoxConnector): OAuthFlow {
  const app = () => {
    if (!box.settings.oauth)
      throw new Error('Box sign-in is not configured: set BOX_OAUTH_CLIENT_ID and BOX_OAUTH_CLIENT_SECRET');
    return box.settings.oauth;
  };
  const toTokens = (t: { accessToken?: string; refreshToken?: string; expiresIn?: number }): BoxTokens => ({
    accessToken: t.accessToken ?? '',
    refreshToken: t.refreshToken ?? null,
    expiresIn: t.expiresIn ?? 3600,
  });

  return {
    authorizeUrl({ state, codeChallenge, redirectUri }) {
      const q = new URLSearchParams({
        response_type: 'code',
        client_id: app().clientId,
        redirect_uri: redirectUri,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
      return `${box.settings.baseUrls.oauth2Url}/authorize?${q.toString()}`;
    },

    async exchangeCode({ code, codeVerifier, redirectUri }) {
      const session = box.oauthSession().withInterceptors([
        {
          beforeRequest: (options) =>
            options.url.endsWith('/oauth2/token') && options.data && typeof options.data === 'object'
              ? ({
                  ...options,
                  data: {
                    ...(options.data as object),
                    code_verifier: codeVerifier,
                    redirect_uri: redirectUri,
                  },
                } as typeof options)
              : options,
          afterRequest: (response) => response,
        },
      ]);
      const oauth = new BoxOAuth({ config: new OAuthConfig(app()) });
      // A code is single-use: the exchange is never retried.
      return toTokens(
        await box.call('oauth', 'sign-in', false, () => oauth.getTokensAuthorizationCodeGrant(code, session)),
      );
    },

    async refresh(refreshToken) {
      const tokenStorage = new InMemoryTokenStorage({
        token: { accessToken: '', refreshToken, tokenType: 'bearer' },
      });
      const oauth = new BoxOAuth({ config: new OAuthConfig({ ...app(), tokenStorage }) });
      // Refresh tokens are single-use: never retried; the caller persists the new pair before using it.
      return toTokens(
        await box.call('oauth', 'refresh', false, () => oauth.refreshToken(box.oauthSession())),
      );
    },

    async currentUser(accessToken) {
      const client = new BoxClient({
        auth: new BoxDeveloperTokenAuth({ token: accessToken }),
        networkSession: box.oauthSession(),
      });
      const me = await box.call('oauth', accessToken.slice(-12), true, () =>
        client.users.getUserMe({
          fields: ['id', 'name', 'login', 'role', 'enterprise', 'language', 'status'],
        }),
      );
      return toBoxEnterpriseUser((me.rawData ?? {}) as Record<string, unknown>);
    },
  };
}
