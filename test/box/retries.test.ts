/**
 * Box calls under faults (architecture.md §6, box-api.md §(h)): retries after 429/5xx/dropped
 * connections/timeouts for idempotent calls only, never sooner than Retry-After, exponential back-off
 * otherwise, a calls-per-minute budget per app and user, a total wait budget, and every attempt counted
 * in auditor_box_api_requests_total. Virtual time: the local Box and the connector share a manual clock
 * and the connector's `sleep` moves it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestLogEntry } from '../../box-emulator/index.ts';
import { BoxError } from '../../src/box/box-errors.ts';
import { createOAuthFlow } from '../../src/box/oauth-flow.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createProcessBox } from '../../src/runtime/box-settings.ts';
import { createProcessBasics } from '../../src/runtime/process-basics.ts';
import { pkcePair } from '../../src/services/identity/box-sign-in.ts';
import { testEnv } from '../support/test-app.ts';
import { type LocalBox, startLocalBox } from './local-box.ts';

const T0 = '2025-06-02T09:00:00Z';
const FILE = 'Board/Minutes/2025/Minutes 2025-01.pdf';

/** The product's Box connector (createProcessBox) with its own metrics, on the local Box's clock. */
function productBox(
  box: LocalBox,
  o: { callsPerMinute?: number; maxRetryWaitMs?: number; timeoutMs?: number } = {},
  sleep: (ms: number) => Promise<void> = box.sleep,
) {
  const basics = createProcessBasics({
    config: loadConfig(testEnv({ LOG_LEVEL: 'silent' })),
    components: ['event'],
    processName: 'event',
    clock: box.clock,
  });
  const connector = createProcessBox(basics, { settings: box.settings(o), sleep });
  return {
    connector,
    enterprise: connector.enterprise(box.emulator.enterprise.id),
    /** auditor_box_api_requests_total as `app status` → count. */
    async counts(): Promise<Map<string, number>> {
      const metric = await basics.metrics.boxApiRequests.get();
      return new Map(metric.values.map((v) => [`${v.labels.app} ${v.labels.status}`, v.value]));
    },
  };
}

const timeOf = (e: RequestLogEntry) => Date.parse(e.time);
const gaps = (entries: RequestLogEntry[]) => entries.slice(1).map((e, i) => timeOf(e) - timeOf(entries[i]!));

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? 0) + 1);
  return out;
}

function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) > 0) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

describe('Box calls under injected faults, in virtual time', () => {
  let box: LocalBox;
  let product: ReturnType<typeof productBox>;
  let fileId: string;
  let ownerId: string;
  const exactPath = () => new RegExp(`^/2\\.0/files/${fileId}$`);

  before(async () => {
    box = await startLocalBox(T0);
    product = productBox(box);
    const file = box.emulator.state.fileByPath(FILE)!;
    fileId = file.id;
    ownerId = file.ownerId;
    // The service account's token, fetched once outside the measured calls.
    await product.enterprise.serviceAccount();
  });
  after(() => box?.close());

  /** Runs `fn` on a clean request log and returns the log of the file's metadata calls. */
  async function logged<T>(
    fn: () => Promise<T>,
  ): Promise<{ result: T; log: RequestLogEntry[]; all: RequestLogEntry[] }> {
    box.emulator.controls.clearRequests();
    box.emulator.controls.clearFaults();
    const result = await fn();
    const all = box.emulator.controls.requests();
    return { result, all, log: all.filter((e) => e.path === `/2.0/files/${fileId}`) };
  }

  test('a 429 is retried no sooner than its Retry-After, then the call succeeds', async () => {
    const { result, log } = await logged(() => {
      box.emulator.controls.addFault({
        kind: 'status',
        status: 429,
        retryAfter: 7,
        times: 2,
        match: { path: exactPath() },
      });
      return product.enterprise.file(fileId, { asUser: ownerId });
    });
    assert.equal(result.id, fileId);
    assert.equal(result.name, 'Minutes 2025-01.pdf');
    assert.deepEqual(
      log.map((e) => e.status),
      [429, 429, 200],
    );
    for (const gap of gaps(log)) assert.ok(gap >= 7000, `retried ${gap} ms after a 429 with Retry-After: 7`);
  });

  test('500, 502 and 503 without Retry-After are retried with exponential back-off', async () => {
    for (const status of [500, 502, 503]) {
      const { result, log } = await logged(() => {
        box.emulator.controls.addFault({ kind: 'status', status, times: 3, match: { path: exactPath() } });
        return product.enterprise.file(fileId, { asUser: ownerId });
      });
      assert.equal(result.id, fileId);
      assert.deepEqual(
        log.map((e) => e.status),
        [status, status, status, 200],
      );
      // Attempt n waits 1 s · 2^(n-1), with ±50 % jitter.
      gaps(log).forEach((gap, i) => {
        const nominal = 1000 * 2 ** i;
        assert.ok(gap >= nominal * 0.5 && gap <= nominal * 1.5 + 1, `retry ${i + 1} after ${gap} ms`);
      });
    }
  });

  test('a 503 with Retry-After waits at least that long', async () => {
    const { log } = await logged(() => {
      box.emulator.controls.addFault({
        kind: 'status',
        status: 503,
        retryAfter: 12,
        times: 1,
        match: { path: exactPath() },
      });
      return product.enterprise.file(fileId, { asUser: ownerId });
    });
    assert.deepEqual(
      log.map((e) => e.status),
      [503, 200],
    );
    assert.ok(gaps(log)[0]! >= 12_000);
  });

  test('dropped connections are retried, and a download that is not ready (202) waits for Retry-After', async () => {
    const dropped = await logged(() => {
      box.emulator.controls.addFault({ kind: 'drop-connection', times: 2, match: { path: exactPath() } });
      return product.enterprise.file(fileId, { asUser: ownerId });
    });
    assert.equal(dropped.result.id, fileId);
    assert.deepEqual(
      dropped.log.map((e) => e.status),
      [0, 0, 200],
    );

    const notReady = await logged(async () => {
      box.emulator.controls.addFault({
        kind: 'status',
        status: 202,
        retryAfter: 3,
        times: 1,
        match: { path: `/2.0/files/${fileId}/content` },
      });
      const res = await product.enterprise.download(fileId, {}, { asUser: ownerId });
      const chunks: Buffer[] = [];
      for await (const c of res.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
      return { status: res.status, bytes: Buffer.concat(chunks) };
    });
    assert.equal(notReady.result.status, 200);
    assert.deepEqual(notReady.result.bytes, box.emulator.state.content(fileId));
    const content = notReady.all.filter((e) => e.path === `/2.0/files/${fileId}/content`);
    assert.deepEqual(
      content.map((e) => e.status),
      [202, 302],
    );
    assert.ok(gaps(content)[0]! >= 3000);
  });

  test('auditor_box_api_requests_total{app,status} counts every attempt, including the SDK’s own', async () => {
    const before = await product.counts();
    const { all } = await logged(async () => {
      box.emulator.controls.addFault({
        kind: 'status',
        status: 429,
        retryAfter: 1,
        times: 1,
        match: { path: exactPath() },
      });
      box.emulator.controls.addFault({ kind: 'status', status: 500, times: 1, match: { path: exactPath() } });
      box.emulator.controls.addFault({ kind: 'drop-connection', times: 1, match: { path: exactPath() } });
      await product.enterprise.file(fileId, { asUser: ownerId });
      // The service account's token expires: the SDK gets a 401, renews the token and repeats the call.
      box.clock.advance(2 * 3600_000);
      await product.enterprise.file(fileId, { asUser: ownerId });
      // A download: the 302 and the download itself are two requests.
      const res = await product.enterprise.download(fileId, { range: 'bytes=0-9' }, { asUser: ownerId });
      for await (const _ of res.body as AsyncIterable<Buffer>);
    });
    assert.deepEqual(
      all.map(
        (e) => `${e.method} ${e.path.replace(/\/d\/1\/.*$/, '/d/1/…').replace(fileId, '{id}')} ${e.status}`,
      ),
      [
        'GET /2.0/files/{id} 429',
        'GET /2.0/files/{id} 500',
        'GET /2.0/files/{id} 0',
        'GET /2.0/files/{id} 200',
        'GET /2.0/files/{id} 401',
        'POST /oauth2/token 200',
        'GET /2.0/files/{id} 200',
        'GET /2.0/files/{id}/content 302',
        'GET /d/1/… 206',
      ],
    );
    const counted = delta(before, await product.counts());
    assert.deepEqual(
      counted,
      countBy(all, (e) => `ccg ${e.status}`),
    );
  });

  test('non-idempotent calls (code exchange, token refresh) are sent once, whatever the failure', async () => {
    const oauth = createOAuthFlow(product.connector);
    const redirectUri = 'http://127.0.0.1:9/api/v1/auth/box/callback';
    const code = () => {
      const { verifier, challenge } = pkcePair();
      const { code } = box.emulator.controls.authorize({
        clientId: box.oauthApp.clientId,
        login: 'user@demo.example',
        redirectUri,
        codeChallenge: challenge,
      });
      return { code, codeVerifier: verifier, redirectUri };
    };
    const token = (all: RequestLogEntry[]) => all.filter((e) => e.path === '/oauth2/token');

    for (const fault of [
      { kind: 'status', status: 503, times: 1 },
      { kind: 'status', status: 429, retryAfter: 1, times: 1 },
      { kind: 'drop-connection', times: 1 },
    ] as const) {
      const { result, all } = await logged(async () => {
        box.emulator.controls.addFault({ ...fault, match: { method: 'POST', path: '/oauth2/token' } });
        return oauth.exchangeCode(code()).then(
          () => undefined,
          (err: unknown) => err,
        );
      });
      assert.ok(result instanceof BoxError, `${fault.kind} ${'status' in fault ? fault.status : ''}`);
      assert.equal(result.status, 'status' in fault ? fault.status : 0);
      assert.equal(token(all).length, 1, 'the code exchange was sent once');
    }

    const tokens = await oauth.exchangeCode(code());
    const refreshed = await logged(async () => {
      box.emulator.controls.addFault({
        kind: 'status',
        status: 500,
        times: 1,
        match: { method: 'POST', path: '/oauth2/token' },
      });
      return oauth.refresh(tokens.refreshToken!).then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    assert.ok(refreshed.result instanceof BoxError);
    assert.equal(refreshed.result.failure, 'unavailable');
    assert.equal(token(refreshed.all).length, 1, 'the refresh was sent once');
    // The refresh token was not burnt by a retry: it still works once.
    const again = await oauth.refresh(tokens.refreshToken!);
    assert.ok(again.accessToken);
  });

  test('the total wait budget gives up with a typed BoxError', async () => {
    const limited = productBox(box, { maxRetryWaitMs: 10_000 });
    await limited.enterprise.serviceAccount();
    const started = box.clock.now().getTime();
    const { result, log } = await logged(async () => {
      box.emulator.controls.addFault({
        kind: 'status',
        status: 503,
        times: 100,
        match: { path: exactPath() },
      });
      return limited.enterprise.file(fileId, { asUser: ownerId }).then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    assert.ok(result instanceof BoxError);
    assert.equal(result.failure, 'unavailable');
    assert.equal(result.status, 503);
    assert.ok(log.length >= 3, `${log.length} attempts`);
    assert.ok(log.every((e) => e.status === 503));
    assert.ok(timeOf(log.at(-1)!) - started <= 10_000, 'waited no more than the budget');

    // A Retry-After longer than the budget: no pointless wait, Box's wish is reported.
    const slow = await logged(async () => {
      box.emulator.controls.addFault({
        kind: 'status',
        status: 429,
        retryAfter: 30,
        times: 1,
        match: { path: exactPath() },
      });
      return limited.enterprise.file(fileId, { asUser: ownerId }).then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    assert.ok(slow.result instanceof BoxError);
    assert.equal(slow.result.failure, 'rate_limited');
    assert.equal(slow.result.retryAfterSeconds, 30);
    assert.equal(slow.log.length, 1);
  });

  test('a burst of 300 calls with a budget of 60 a minute never exceeds 60 calls in any 60-second window', async () => {
    const budget = 60;
    let started = Number.POSITIVE_INFINITY;
    let faulted = false;
    // Box rate-limits three calls late in the burst, when most calls have queued for minutes already.
    const sleep = (ms: number) => {
      if (!faulted && box.clock.now().getTime() - started >= 180_000) {
        faulted = true;
        box.emulator.controls.addFault({
          kind: 'status',
          status: 429,
          retryAfter: 2,
          times: 3,
          match: { path: exactPath() },
        });
      }
      return box.sleep(ms);
    };
    const burst = productBox(box, { callsPerMinute: budget }, sleep);
    await burst.enterprise.serviceAccount();
    started = box.clock.now().getTime();
    const { result, log } = await logged(() =>
      Promise.all(Array.from({ length: 300 }, () => burst.enterprise.file(fileId, { asUser: ownerId }))),
    );
    assert.equal(result.length, 300);
    assert.ok(result.every((f) => f.id === fileId));
    assert.equal(
      log.filter((e) => e.status === 429).length,
      3,
      'Box rate-limited three calls late in the burst',
    );
    assert.equal(log.filter((e) => e.status === 200).length, 300);
    const times = log.map(timeOf).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (j < times.length && times[j]! < times[i]! + 60_000) j++;
      busiest = Math.max(busiest, j - i);
    }
    assert.ok(busiest <= budget, `${busiest} calls in one 60-second window`);
    // The budget is used, not squandered: 303 calls at 60 a minute take about five minutes.
    const elapsed = times.at(-1)! - times[0]!;
    assert.ok(elapsed >= 4 * 60_000 && elapsed <= 6 * 60_000, `the burst took ${elapsed / 1000} s`);
  });
});

describe('Box calls with slow responses', () => {
  let box: LocalBox;
  before(async () => {
    box = await startLocalBox(T0);
  });
  after(() => box?.close());

  test('a slow answer within the timeout is one attempt; one beyond it is abandoned and retried', async () => {
    // Latency is real time in the local Box (and the timeout real time in the SDK): kept short, with
    // margins for a busy machine.
    const product = productBox(box, { timeoutMs: 1000 });
    const file = box.emulator.state.fileByPath(FILE)!;
    await product.enterprise.serviceAccount();
    const path = new RegExp(`^/2\\.0/files/${file.id}$`);
    const before = await product.counts();

    box.emulator.controls.addFault({ kind: 'latency', ms: 50, times: 1, match: { path } });
    assert.equal((await product.enterprise.file(file.id, { asUser: file.ownerId })).id, file.id);
    const quick = delta(before, await product.counts());
    assert.deepEqual(quick, new Map([['ccg 200', 1]]));

    box.emulator.controls.addFault({ kind: 'latency', ms: 1500, times: 1, match: { path } });
    assert.equal((await product.enterprise.file(file.id, { asUser: file.ownerId })).id, file.id);
    const slow = delta(before, await product.counts());
    assert.deepEqual(
      slow,
      new Map([
        ['ccg 200', 2],
        ['ccg 0', 1],
      ]),
      'a timed-out attempt counts as status 0',
    );
  });
});
