/**
 * Typed calls over the generated OpenAPI types: `api.get('/api/v1/users', { query })` knows the
 * query, body, path parameters and answer of each route, so a backend change that breaks the web app
 * shows up as a type error once schema.d.ts is regenerated.
 */
import { type HttpMethod, type QueryValue, rawRequest } from './api-client.ts';
import type { paths } from './schema.d.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Paths that have an operation for `M`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends Record<M, unknown> ? P : never;
}[keyof paths];

type Operation<P extends keyof paths, M extends Method> = paths[P] extends Record<M, infer O> ? O : never;

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;

/** The success body of an operation (200, 201 or 202). */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer S }
      ? JsonOf<S>
      : R extends { 201: infer S }
        ? JsonOf<S>
        : R extends { 202: infer S }
          ? JsonOf<S>
          : undefined
    : never;

export type BodyOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer RB }
    ? RB extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never;

export type QueryOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Exclude<Q, undefined> : never;

export type PathParamsOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { path: infer PP } } ? PP : never;

type PathPart<P extends keyof paths, M extends Method> = [PathParamsOf<P, M>] extends [never]
  ? { params?: undefined }
  : { params: PathParamsOf<P, M> };
type BodyPart<P extends keyof paths, M extends Method> = [BodyOf<P, M>] extends [never]
  ? { body?: undefined }
  : { body: BodyOf<P, M> };
type QueryPart<P extends keyof paths, M extends Method> = [QueryOf<P, M>] extends [never]
  ? { query?: undefined }
  : { query?: QueryOf<P, M> };

export type RequestOptions<P extends keyof paths, M extends Method> = PathPart<P, M> &
  BodyPart<P, M> &
  QueryPart<P, M> & { signal?: AbortSignal };

/** `/api/v1/users/{id}` + `{id}` → `/api/v1/users/…` (each value URL-encoded). */
export function fillPath(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

function call<M extends Method>(method: M) {
  return <P extends PathsWith<M>>(
    path: P,
    ...[options]: Partial<RequestOptions<P, M>> extends RequestOptions<P, M>
      ? [RequestOptions<P, M>?]
      : [RequestOptions<P, M>]
  ): Promise<ResponseOf<P, M>> => {
    const o = (options ?? {}) as {
      params?: Record<string, string | number>;
      body?: unknown;
      query?: Record<string, QueryValue>;
      signal?: AbortSignal;
    };
    return rawRequest({
      method: method.toUpperCase() as HttpMethod,
      path: fillPath(path, o.params),
      query: o.query,
      body: o.body,
      signal: o.signal,
    }) as Promise<ResponseOf<P, M>>;
  };
}

export const api = {
  get: call('get'),
  post: call('post'),
  put: call('put'),
  patch: call('patch'),
  delete: call('delete'),
};
