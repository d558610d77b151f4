/** A small JSON client over Fastify's inject (no network) for tests. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/platform/http/server.ts';

export interface Api {
  request(
    method: InjectOptions['method'],
    url: string,
    o?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  get(url: string, token?: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(
    url: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown, token?: string): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown, token?: string): Promise<LightMyRequestResponse>;
  delete(url: string, token?: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export function createApi(app: App): Api {
  const request: Api['request'] = (method, url, o = {}) =>
    app.inject({
      method,
      url,
      headers: {
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...o.headers,
      },
      ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
    });
  return {
    request,
    get: (url, token, headers) => request('GET', url, { token, headers }),
    post: (url, body, token, headers) => request('POST', url, { token, body, headers }),
    put: (url, body, token) => request('PUT', url, { token, body }),
    patch: (url, body, token) => request('PATCH', url, { token, body }),
    delete: (url, token, body) => request('DELETE', url, { token, body }),
  };
}
