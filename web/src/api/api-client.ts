/**
 * The thin fetch wrapper every API call goes through:
 * - cookies only for our own origin (`credentials: 'same-origin'`), never a token in script reach;
 * - the CSRF token (readable `afb_csrf` cookie) echoed in `x-csrf-token` on every write;
 * - `x-requested-with: auditor-web`, so sign-in and refresh keep the refresh token in its httpOnly
 *   cookie instead of the response body;
 * - `Accept-Language` from the current UI language, so error messages come back translated;
 * - an expired access token is refreshed (`POST /api/v1/auth/refresh`, once, shared by concurrent
 *   calls and by other tabs) and the call retried; if that fails, the session is over;
 * - failures surface as `ApiError {status, code, message}` taken from the error body.
 */
import { accessTokenExpiring, forgetAccessExpiry, rememberAccessExpiry } from './access-expiry.ts';
import { ApiError, isErrorBody } from './api-error.ts';
import { CSRF_HEADER, csrfToken, mayHaveSession } from './cookies.ts';
import { setMaintenance } from './maintenance-state.ts';

export const WEB_CLIENT_HEADER = 'x-requested-with';
export const WEB_CLIENT_VALUE = 'auditor-web';
const REFRESH_PATH = '/api/v1/auth/refresh';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null;

export interface RawRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

interface ClientHooks {
  language: () => string;
  /** Friendly texts for failures that carry no API body. */
  networkErrorMessage: () => string;
  unexpectedErrorMessage: (status: number) => string;
}

let hooks: ClientHooks = {
  language: () => document.documentElement.lang || 'en',
  networkErrorMessage: () => 'The server could not be reached.',
  unexpectedErrorMessage: (status) => `Unexpected answer from the server (${status}).`,
};
const sessionEndedListeners = new Set<() => void>();

export function configureApiClient(next: Partial<ClientHooks>): void {
  hooks = { ...hooks, ...next };
}

/** Called when the session could not be renewed (the user must sign in again). */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

/** Sign-in, refresh and logout answer 401 for their own reasons; never refresh around them. */
function isAuthPath(path: string): boolean {
  return path.startsWith('/api/v1/auth/');
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(r: RawRequest): Promise<Response> {
  const headers = new Headers({
    accept: 'application/json',
    'accept-language': hooks.language(),
    [WEB_CLIENT_HEADER]: WEB_CLIENT_VALUE,
  });
  if (r.body !== undefined) headers.set('content-type', 'application/json');
  if (r.method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers.set(CSRF_HEADER, csrf);
  }
  try {
    return await fetch(buildUrl(r.path, r.query), {
      method: r.method,
      headers,
      credentials: 'same-origin',
      body: r.body === undefined ? null : JSON.stringify(r.body),
      signal: r.signal ?? null,
    });
  } catch (err) {
    if (r.signal?.aborted) throw err;
    throw new ApiError(0, 'NETWORK_ERROR', hooks.networkErrorMessage());
  }
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function toResult(res: Response, method: HttpMethod): Promise<unknown> {
  const body = await readBody(res);
  if (res.ok) {
    // A write went through: whatever maintenance we saw is over.
    if (method !== 'GET') setMaintenance(false);
    return body;
  }
  if (isErrorBody(body)) {
    if (res.status === 503 && body.error.code === 'MAINTENANCE_MODE') setMaintenance(true);
    throw new ApiError(res.status, body.error.code, body.error.message, body.error.details, body.requestId);
  }
  throw new ApiError(res.status, `HTTP_${res.status}`, hooks.unexpectedErrorMessage(res.status));
}

let refreshing: Promise<boolean> | undefined;

async function refreshOnce(): Promise<boolean> {
  const res = await send({ method: 'POST', path: REFRESH_PATH, body: {} });
  if (!res.ok) {
    forgetAccessExpiry();
    return false;
  }
  const body = (await readBody(res)) as { expiresIn?: number } | undefined;
  if (typeof body?.expiresIn === 'number') rememberAccessExpiry(body.expiresIn);
  return true;
}

/**
 * Renews the session with the refresh cookie. Concurrent callers share one request; other tabs are
 * kept out by a Web Lock (refresh tokens rotate, and presenting a used one ends the session).
 * `staleBefore` is the CSRF token seen before waiting: if another tab refreshed meanwhile (new
 * token), there is nothing left to do.
 */
export function refreshSession(): Promise<boolean> {
  const staleBefore = csrfToken();
  const run = async (): Promise<boolean> => {
    if (csrfToken() !== staleBefore && !accessTokenExpiring()) return true;
    return refreshOnce();
  };
  if (refreshing) return refreshing;
  const locked = async (): Promise<boolean> =>
    typeof navigator !== 'undefined' && navigator.locks
      ? await navigator.locks.request('afb-session-refresh', run)
      : run();
  const current = locked().finally(() => {
    refreshing = undefined;
  });
  refreshing = current;
  return current;
}

function endSession(): void {
  for (const listener of sessionEndedListeners) listener();
}

/** One API call; resolves to the parsed JSON body (undefined for 204). */
export async function rawRequest(r: RawRequest): Promise<unknown> {
  const authPath = isAuthPath(r.path);
  // Known to be expired: renew first rather than provoke a 401.
  if (!authPath && mayHaveSession() && accessTokenExpiring()) await refreshSession();
  let res = await send(r);
  if (res.status === 401 && !authPath && mayHaveSession()) {
    if (await refreshSession()) res = await send(r);
    else {
      const result = toResult(res, r.method);
      endSession();
      return result;
    }
  }
  return toResult(res, r.method);
}

/** Records a new session's access-token lifetime (after sign-in). */
export function sessionStarted(expiresInSeconds: number): void {
  rememberAccessExpiry(expiresInSeconds);
}

export function sessionCleared(): void {
  forgetAccessExpiry();
}

/**
 * Before the browser itself requests an API URL (a preview frame, a download link), renews an access
 * token that is about to expire, so the request carries a valid cookie.
 */
export async function ensureFreshSession(): Promise<void> {
  if (mayHaveSession() && accessTokenExpiring()) await refreshSession();
}

/**
 * Downloads an API answer as a file (for answers that may fail with an error body, like evidence
 * bundles): the body is saved under the name from Content-Disposition; a failure throws an ApiError
 * with the server's (translated) message instead of saving the error as a file.
 */
export async function downloadFromApi(path: string, query?: Record<string, QueryValue>): Promise<void> {
  await ensureFreshSession();
  const res = await fetch(buildUrl(path, query), {
    credentials: 'same-origin',
    headers: { 'accept-language': hooks.language(), [WEB_CLIENT_HEADER]: WEB_CLIENT_VALUE },
  }).catch(() => {
    throw new ApiError(0, 'NETWORK_ERROR', hooks.networkErrorMessage());
  });
  if (!res.ok) {
    await toResult(res, 'GET');
    return;
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const name =
    /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ??
    /filename="([^"]+)"/i.exec(disposition)?.[1] ??
    'download';
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = decodeURIComponent(name);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
