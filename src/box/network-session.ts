/**
 * The SDK's NetworkSession for one Box app, with our base URLs (real Box or the local Box; the code
 * path is the same), a request timeout, and a retry strategy that counts every attempt in
 * `auditor_box_api_requests_total{app,status}` and lets tests record exchanges.
 */
import { Agent as HttpAgent } from 'node:http';
import type { FetchOptions, FetchResponse, RetryStrategy } from 'box-node-sdk/networking';
import { BaseUrls, BoxNetworkClient, NetworkSession } from 'box-node-sdk/networking';

export interface BoxBaseUrls {
  baseUrl: string;
  uploadUrl: string;
  oauth2Url: string;
}

export interface BoxExchange {
  app: string;
  method: string;
  url: string;
  status: number;
  /** Parsed JSON body of JSON responses (successful or not). */
  body: unknown;
}

export interface SessionOptions {
  app: 'oauth' | 'ccg';
  baseUrls: BoxBaseUrls;
  timeoutMs: number;
  onAttempt?: (app: string, status: number) => void;
  onExchange?: (exchange: BoxExchange) => void;
}

/**
 * The SDK retries every method on 429/5xx and ignores Retry-After on Node (box-api.md §9). We retry
 * ourselves (retry.ts); the SDK only refreshes an expired token once, which is safe for any method.
 *
 * The SDK asks its retry strategy after every HTTP attempt, including the ones it makes on its own
 * (the retry after a 401 and its refresh, a followed redirect, a network failure with status 0), so
 * this is where every attempt is counted and recorded; a wrapper around the network client would
 * only see the outermost one.
 */
export function observingRetryStrategy(
  o: Pick<SessionOptions, 'app' | 'onAttempt' | 'onExchange'>,
): RetryStrategy {
  return {
    async shouldRetry(options: FetchOptions, response: FetchResponse, attempt: number) {
      o.onAttempt?.(o.app, response.status);
      if (response.status !== 0)
        o.onExchange?.({
          app: o.app,
          method: options.method ?? 'GET',
          url: options.url,
          status: response.status,
          body: response.data,
        });
      if (response.status === 401 && attempt === 1 && options.auth) {
        await options.auth.refreshToken(options.networkSession);
        return true;
      }
      return false;
    },
    retryAfter: () => 0,
  };
}

export function createNetworkSession(o: SessionOptions): NetworkSession {
  const plainHttp = o.baseUrls.baseUrl.startsWith('http://');
  return new NetworkSession({
    baseUrls: new BaseUrls(o.baseUrls),
    networkClient: new BoxNetworkClient({}),
    retryStrategy: observingRetryStrategy(o),
    // Loopback (the local Box) must not go through a proxy from the environment; real Box keeps the
    // SDK's default agent, which honours HTTPS_PROXY/NO_PROXY.
    ...(plainHttp ? { agent: new HttpAgent({ keepAlive: true }) } : {}),
    timeoutConfig: { timeoutMs: o.timeoutMs },
  });
}
