import { ManualClock } from '../clock.ts';
import { type RunningBoxEmulator, startBoxEmulator } from '../index.ts';
import type { BoxAppConfig, BoxEmulatorOptions } from '../options.ts';

export const T0 = '2025-06-02T09:00:00Z';
export const REDIRECT = 'http://127.0.0.1:9/callback';

export interface TestBox extends RunningBoxEmulator {
  clock: ManualClock;
  ccg: BoxAppConfig;
  oauthApp: BoxAppConfig;
}

export async function startTestBox(opts: BoxEmulatorOptions = {}): Promise<TestBox> {
  const clock = new ManualClock(T0);
  const run = await startBoxEmulator({ clock, ...opts });
  return {
    ...run,
    clock: (opts.clock as ManualClock | undefined) ?? clock,
    ccg: run.emulator.apps.find((a) => a.kind === 'ccg')!,
    oauthApp: run.emulator.apps.find((a) => a.kind === 'oauth')!,
  };
}

export interface Res {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected freely in tests
  body: any;
  text: string;
}

export async function call(
  box: { url: string },
  method: string,
  path: string,
  opts: {
    token?: string;
    headers?: Record<string, string>;
    json?: unknown;
    form?: Record<string, string>;
    body?: RequestInit['body'];
    redirect?: RequestInit['redirect'];
  } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: RequestInit['body'] | undefined = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(box.url + path, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: opts.redirect ?? 'manual',
  });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function ccgToken(
  box: TestBox,
  subject?: { type: 'user'; id: string },
  app: BoxAppConfig = box.ccg,
): Promise<string> {
  const res = await call(box, 'POST', '/oauth2/token', {
    form: {
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      box_subject_type: subject?.type ?? 'enterprise',
      box_subject_id: subject?.id ?? box.emulator.enterprise.id,
    },
  });
  if (res.status !== 200) throw new Error(`CCG token failed: ${res.text}`);
  return res.body.access_token;
}

/** Signs `login` in through the control endpoint and exchanges the code: {access_token, refresh_token}. */
export async function userTokens(
  box: TestBox,
  login: string,
): Promise<{ access_token: string; refresh_token: string }> {
  const { code } = box.emulator.controls.authorize({
    clientId: box.oauthApp.clientId,
    login,
    redirectUri: REDIRECT,
    state: 's',
  });
  const res = await call(box, 'POST', '/oauth2/token', {
    form: {
      grant_type: 'authorization_code',
      code,
      client_id: box.oauthApp.clientId,
      client_secret: box.oauthApp.clientSecret,
    },
  });
  if (res.status !== 200) throw new Error(`code exchange failed: ${res.text}`);
  return res.body;
}

export async function userToken(box: TestBox, login: string): Promise<string> {
  return (await userTokens(box, login)).access_token;
}

/** A multipart body with parts in the given order (Box wants attributes first). */
export function uploadForm(
  attributes: unknown,
  bytes: Buffer,
  order: 'attributes-first' | 'file-first' = 'attributes-first',
): FormData {
  const form = new FormData();
  const addAttrs = () => form.append('attributes', JSON.stringify(attributes));
  const addFile = () => form.append('file', new Blob([new Uint8Array(bytes)]), 'upload.bin');
  if (order === 'attributes-first') {
    addAttrs();
    addFile();
  } else {
    addFile();
    addAttrs();
  }
  return form;
}
