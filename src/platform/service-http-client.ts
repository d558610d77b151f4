/**
 * JSON calls from one service to another in distributed mode: the service secret authenticates the
 * caller, `traceparent` carries the trace, errors come back as the remote service's coded error.
 * The typed client interfaces of each service are built on this (services/<name>/<name>-client.ts).
 */
import { AppError, serviceUnavailable } from './errors.ts';
import type { MessageKey } from './messages.ts';
import { traceHeaders } from './tracing.ts';

export interface ServiceHttpClient {
  call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function createServiceHttpClient(
  baseUrl: string,
  secret: string,
  caller: string,
  timeoutMs = 30_000,
): ServiceHttpClient {
  const base = baseUrl.replace(/\/$/, '');
  return {
    async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Service ${secret}`,
            'x-auditor-service': caller,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...traceHeaders(),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw serviceUnavailable('UPSTREAM_UNAVAILABLE', { cause: err, details: { upstream: base } });
      }
      const text = await res.text();
      const json = text ? JSON.parse(text) : undefined;
      if (!res.ok) {
        const code = (json?.error?.code ?? 'UPSTREAM_UNAVAILABLE') as MessageKey;
        throw new AppError(code, { status: res.status, details: json?.error?.details });
      }
      return json as T;
    },
  };
}
