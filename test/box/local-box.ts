/**
 * Shared support for the Box integration tests: the local Box on a manual clock that the product
 * shares, a `sleep` that advances that clock instead of waiting, and a recorder of every exchange
 * `src/box/` has with Box.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingHttpHeaders } from 'node:http';
import { ManualClock, type RunningBoxEmulator, startBoxEmulator } from '../../box-emulator/index.ts';
import type { BoxSettings } from '../../src/box/box-connector.ts';
import type { BoxExchange } from '../../src/box/network-session.ts';
import { localBoxSettings } from '../../src/runtime/demo.ts';

/**
 * HTTP requests of this process (the SDK's node-fetch) that have not been answered yet. A virtual
 * sleep lets them finish before it moves the clock: in real time they take a millisecond of a sleep
 * that lasts seconds, and the local Box logs each request at the clock's time when it answers.
 */
const unanswered = new Set<ClientRequest>();
subscribe('http.client.request.start', (message) => {
  const { request } = message as { request: ClientRequest };
  unanswered.add(request);
  const done = () => unanswered.delete(request);
  request.once('response', done);
  request.once('error', done);
  request.once('close', done);
});

const turn = () => new Promise<void>((r) => setImmediate(r));

export interface LocalBox extends RunningBoxEmulator {
  clock: ManualClock;
  /** Virtual-time sleep: advances the shared clock and yields once. */
  sleep(ms: number): Promise<void>;
  /** Every sleep asked for, in order (ms). */
  sleeps: number[];
  settings(o?: Partial<Pick<BoxSettings, 'callsPerMinute' | 'timeoutMs' | 'maxRetryWaitMs'>>): BoxSettings;
  oauthApp: RunningBoxEmulator['emulator']['apps'][number];
  ccgApp: RunningBoxEmulator['emulator']['apps'][number];
}

export async function startLocalBox(start: Date | string | number = Date.now()): Promise<LocalBox> {
  const clock = new ManualClock(start);
  const box = await startBoxEmulator({ demo: true, seed: 1, clock });
  const sleeps: number[] = [];
  return {
    ...box,
    clock,
    sleeps,
    // Sleepers that overlap share the virtual time: each wakes at (or after) its own deadline.
    async sleep(ms: number) {
      sleeps.push(ms);
      const due = clock.now().getTime() + ms;
      await turn();
      for (let i = 0; i < 10_000 && unanswered.size > 0; i++) await turn();
      if (clock.now().getTime() < due) clock.set(due);
    },
    settings: (o = {}) =>
      localBoxSettings(box, {
        callsPerMinute: o.callsPerMinute ?? 900,
        timeoutMs: o.timeoutMs ?? 10_000,
        maxRetryWaitMs: o.maxRetryWaitMs ?? 120_000,
      }),
    oauthApp: box.emulator.apps.find((a) => a.kind === 'oauth')!,
    ccgApp: box.emulator.apps.find((a) => a.kind === 'ccg')!,
  };
}

/** The path of an exchange's URL, without the query. */
export const pathOf = (url: string): string => new URL(url).pathname;

export function recorder() {
  const exchanges: BoxExchange[] = [];
  return {
    exchanges,
    onExchange: (e: BoxExchange) => void exchanges.push(e),
    since(mark: number) {
      return exchanges.slice(mark);
    },
    mark: () => exchanges.length,
  };
}

/** Parses Set-Cookie headers into name → value (cleared cookies map to ''). */
export function setCookies(headers: IncomingHttpHeaders | Record<string, unknown>): Map<string, string> {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const out = new Map<string, string>();
  for (const line of list) {
    const first = String(line).split(';')[0] ?? '';
    const i = first.indexOf('=');
    const expired = /expires=Thu, 01 Jan 1970/i.test(String(line)) || /max-age=0(;|$)/i.test(String(line));
    out.set(first.slice(0, i), expired ? '' : decodeURIComponent(first.slice(i + 1)));
  }
  return out;
}
