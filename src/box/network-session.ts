/**
 * The SDK's NetworkSession for one Box app, with our base URLs (real Box or the local Box; the code
 * path is the same), our retry strategy, a request timeout, and a network client that counts every
 * attempt in `auditor_box_api_requests_total{app,status}` and lets tests record exchanges.
 */
import { Agent as HttpAgent } from 'node:http';
import type { FetchOptions, FetchResponse, NetworkClient, RetryStrategy } from 'box-node-sdk/networking';
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
 */
export const refreshOnlyRetryStrategy: RetryStrategy = {
  async shouldRetry(options: FetchOptions, response: FetchResponse, attempt: number) {
    if (response.status === 401 && attempt === 1 && options.auth) {
      await options.auth.refreshToken(options.networkSession);
      return true;
    }
    return false;
  },
  retryAfter: () => 0,
};

function observingClient(o: SessionOptions): NetworkClient {
  const inner = new BoxNetworkClient({});
  return {
    async fetch(options: FetchOptions): Promise<FetchResponse> {
      try {
        const res = await inner.fetch(options);
        o.onAttempt?.(o.app, res.status);
        o.onExchange?.({
          app: o.app,
          method: options.method ?? 'GET',
          url: options.url,
          status: res.status,
          body: res.data,
        });
        return res;
      } catch (err) {
        const info = (err as { responseInfo?: { statusCode: number; body?: unknown } }).responseInfo;
        o.onAttempt?.(o.app, info?.statusCode ?? 0);
        if (info)
          o.onExchange?.({
            app: o.app,
            method: options.method ?? 'GET',
            url: options.url,
            status: info.statusCode,
            body: info.body,
          });
        throw err;
      }
    },
  };
}

export function createNetworkSession(o: SessionOptions): NetworkSession {
  const plainHttp = o.baseUrls.baseUrl.startsWith('http://');
  return new NetworkSession({
    baseUrls: new BaseUrls(o.baseUrls),
    networkClient: observingClient(o),
    retryStrategy: refreshOnlyRetryStrategy,
    // Loopback (the local Box) must not go through a proxy from the environment; real Box keeps the
    // SDK's default agent, which honours HTTPS_PROXY/NO_PROXY.
    ...(plainHttp ? { agent: new HttpAgent({ keepAlive: true }) } : {}),
    timeoutConfig: { timeoutMs: o.timeoutMs },
  });
}
