/**
 * Verification benchmarks (quality.md P4, P5), against the local Box in its own process:
 *
 *  - P4: verify one file — `POST /api/v1/files/:id/verifications` in-process (routing, auth, the
 *    audit service's access check, Box read now as the owner, the ledger's records, events,
 *    comparison, inclusion proofs, history row, outbox) — P50/P95/P99 over `--verifications K`
 *    requests, one at a time, next to the floor: the two Box reads a verification needs (file +
 *    versions) through the same connector.
 *  - P5: verify an audit set of `--files N` files (default 1,000; `--size large` 10,000) —
 *    `POST /api/v1/audit-sets/:id/verifications` until the run is DONE, at AUDITOR_VERIFY_CONCURRENCY.
 *
 * The set's baseline (every file observed as its owner, its leaves appended, the item MONITORED) is
 * timed on the way. Figures are against the local Box with its rate limit lifted; real Box allows
 * about 1,000 calls per minute per user (≈ 500 files a minute per owner, two calls each).
 *
 *   node --import tsx bench/verify/verify.ts [--size smoke|default|large] [--files N] [--verifications K] [--concurrency C]
 */
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import type { BoxSettings } from '../../src/box/box-connector.ts';
import type { RunningAllInOne } from '../../src/runtime/all-in-one.ts';
import {
  benchDatabase,
  machine,
  markdownTable,
  numberArg,
  percentile,
  ROOT,
  round,
  type Size,
  sizeArg,
  startBenchProduct,
  timed,
  writeResults,
} from '../support.ts';

export interface BoxInfo {
  url: string;
  baseUrls: { baseUrl: string; uploadUrl: string; oauth2Url: string };
  enterprise: { id: string };
  apps: { kind: string; clientId: string; clientSecret: string }[];
  folderId: string;
  adminBoxUserId: string;
  adminLogin: string;
  latestStreamPosition: string;
}

const SIZES: Record<Size, { files: number; verifications: number }> = {
  smoke: { files: 100, verifications: 100 },
  default: { files: 1000, verifications: 500 },
  large: { files: 10_000, verifications: 1000 },
};

export async function startBox(files: number): Promise<{ info: BoxInfo; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/verify/box-process.ts', '--files', String(files)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const info = await new Promise<BoxInfo>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      try {
        resolve(JSON.parse(out));
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`the local Box exited (${code}): ${out}`)));
  });
  return { info, stop: () => child.kill('SIGTERM') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An organisation on the local Box's enterprise with Demo Admin as its audit admin; a session token. */
export async function setUp(app: RunningAllInOne, box: BoxInfo): Promise<{ orgId: string; token: string }> {
  const identity = app.services.identity!;
  const { organizationId: orgId } = await identity.admin.bootstrap({
    org: 'Bench Co',
    email: 'bootstrap@bench.test',
    password: 'a bench password that is long',
  });
  const db = app.platform.pool.db;
  await sql`update identity.organizations set box_enterprise_id = ${box.enterprise.id} where id = ${orgId}`.execute(
    db,
  );
  const row = await identity.deps.database.transaction((trx) =>
    identity.deps.users.createUser(
      trx,
      {
        orgId,
        email: box.adminLogin,
        name: 'Demo Admin',
        kind: 'box',
        roles: ['AUDIT_ADMIN', 'GENERAL_USER'],
        boxUserId: box.adminBoxUserId,
        boxRole: 'admin',
      },
      identity.deps.clock.now(),
    ),
  );
  const { accessToken } = await identity.sessions.issue(row, { ip: '127.0.0.1' });
  // Ingestion starts at "now": the demo history is not what is measured.
  await sql`insert into event.org_streams (org_id, enterprise_id, stream_position)
            values (${orgId}, ${box.enterprise.id}, ${box.latestStreamPosition})`.execute(db);
  return { orgId, token: accessToken };
}

type Api = (
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
) => Promise<{ statusCode: number; body: string; json(): unknown }>;

/** An audit set `name` holding the folder, its baseline recorded (every file observed, MONITORED). */
export async function monitorFolder(app: RunningAllInOne, api: Api, folderId: string, name = 'Bench') {
  const v = app.services.verification!.verification;
  const res = await api('POST', '/api/v1/audit-sets', { name });
  const setId = (res.json() as { id: string }).id;
  const add = await api('POST', `/api/v1/audit-sets/${setId}/items`, { itemId: folderId, type: 'folder' });
  if (add.statusCode !== 202) throw new Error(`adding the folder: ${add.statusCode} ${add.body}`);
  for (;;) {
    await app.drainOutboxes();
    if ((await v.baselines.pending()) === 0) break;
    if (!(await v.baselines.tick())) await sleep(20);
  }
  await app.drainOutboxes();
  return setId;
}

export async function runVerifyBench(size: Size, argv = process.argv) {
  const files = numberArg('files', SIZES[size].files, argv);
  const verifications = numberArg('verifications', SIZES[size].verifications, argv);
  const concurrency = numberArg('concurrency', 8, argv);
  const database = await benchDatabase('bench_verify');
  const started = performance.now();
  const box = await startBox(files);
  const boxReady = performance.now() - started;
  const ccg = box.info.apps.find((a) => a.kind === 'ccg')!;
  const settings: BoxSettings = {
    baseUrls: box.info.baseUrls,
    ccg: { clientId: ccg.clientId, clientSecret: ccg.clientSecret },
    // The local Box has no rate limit; real Box's (~1,000 calls/min/user) is discussed in the README.
    callsPerMinute: 10_000_000,
    timeoutMs: 30_000,
    maxRetryWaitMs: 30_000,
  };
  const app = await startBenchProduct(database.url, settings, {
    AUDITOR_VERIFY_CONCURRENCY: String(concurrency),
    AUDITOR_VERIFY_SCHEDULE_INTERVAL: '0',
  });
  try {
    const { orgId, token } = await setUp(app, box.info);
    const api = (method: 'GET' | 'POST', url: string, body?: unknown) =>
      app.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
    await app.services.event!.ingester.tick();

    // The baseline of the folder of N files.
    const baseline = await timed(() => monitorFolder(app, api, box.info.folderId));
    const setId = baseline.value;
    await app.services.verification!.ledger.checkpoints.signDue({ force: true });
    const fileIds = (
      await sql<{
        file_id: string;
      }>`select file_id from ledger.baseline_files where set_id = ${setId}`.execute(app.platform.pool.db)
    ).rows.map((r) => r.file_id);
    if (fileIds.length !== files) throw new Error(`the baseline saw ${fileIds.length} of ${files} files`);

    // P4: one file at a time, through the API.
    const sample = fileIds.slice(0, 50);
    const verifyOnce = async (id: string) => {
      const res = await api('POST', `/api/v1/files/${id}/verifications`, {});
      if (res.statusCode !== 201) throw new Error(`verify ${id}: ${res.statusCode} ${res.body}`);
      return res.json().result as string;
    };
    for (let i = 0; i < 20; i++) await verifyOnce(sample[i % sample.length]!);
    const p4: number[] = [];
    const results = new Map<string, number>();
    for (let i = 0; i < verifications; i++) {
      const t = await timed(() => verifyOnce(sample[i % sample.length]!));
      p4.push(t.ms);
      results.set(t.value, (results.get(t.value) ?? 0) + 1);
    }
    p4.sort((a, b) => a - b);
    // The floor: the two Box reads a verification makes, through the same connector.
    const enterprise = app.platform.box.enterprise(box.info.enterprise.id);
    const floor: number[] = [];
    for (let i = 0; i < verifications; i++) {
      const id = sample[i % sample.length]!;
      const t = await timed(async () => {
        await enterprise.file(id, { asUser: box.info.adminBoxUserId });
        await enterprise.fileVersions(id, { asUser: box.info.adminBoxUserId });
      });
      floor.push(t.ms);
    }
    floor.sort((a, b) => a - b);
    await app.drainOutboxes();

    // P5: the whole set.
    const p5 = await timed(async () => {
      const res = await api('POST', `/api/v1/audit-sets/${setId}/verifications`, {});
      if (res.statusCode !== 202) throw new Error(`set verification: ${res.statusCode} ${res.body}`);
      const runId = res.json().id as string;
      for (;;) {
        const run = (await api('GET', `/api/v1/audit-sets/${setId}/verifications/${runId}`)).json();
        if (run.status !== 'RUNNING')
          return run as { status: string; total: number; counts: Record<string, number> };
        await sleep(50);
      }
    });
    await app.drainOutboxes();

    const stats = (xs: number[]) => ({
      p50: round(percentile(xs, 50), 2),
      p95: round(percentile(xs, 95), 2),
      p99: round(percentile(xs, 99), 2),
    });
    const result = {
      size,
      files,
      verifications,
      concurrency,
      machine: machine(),
      boxStartSeconds: round(boxReady / 1000, 1),
      baseline: {
        seconds: round(baseline.ms / 1000, 2),
        filesPerSecond: round(files / (baseline.ms / 1000), 0),
      },
      p4: { ms: stats(p4), results: Object.fromEntries(results), target: 'P99 < 150 ms' },
      boxFloor: { ms: stats(floor) },
      p5: {
        seconds: round(p5.ms / 1000, 2),
        filesPerSecond: round(files / (p5.ms / 1000), 0),
        status: p5.value.status,
        total: p5.value.total,
        counts: p5.value.counts,
        target: 'a set of 10,000 files < 30 s',
      },
      orgId,
    };
    const markdown = [
      markdownTable(
        ['measure', 'count', 'P50 ms', 'P95 ms', 'P99 ms', 'target'],
        [
          [
            'P4 verify one file (POST /files/:id/verifications)',
            verifications,
            result.p4.ms.p50,
            result.p4.ms.p95,
            result.p4.ms.p99,
            'P99 < 150 ms',
          ],
          [
            '  floor: the two Box reads alone (file + versions)',
            verifications,
            result.boxFloor.ms.p50,
            result.boxFloor.ms.p95,
            result.boxFloor.ms.p99,
            '–',
          ],
        ],
      ),
      '',
      markdownTable(
        ['measure', 'files', 'seconds', 'files/s', 'outcome', 'target'],
        [
          [
            `P5 verify a set (concurrency ${concurrency})`,
            files,
            result.p5.seconds,
            result.p5.filesPerSecond,
            `${p5.value.status} ${JSON.stringify(p5.value.counts)}`,
            '10,000 files < 30 s',
          ],
          [
            '  baseline of the same folder (observe + ledger + MONITORED)',
            files,
            result.baseline.seconds,
            result.baseline.filesPerSecond,
            'MONITORED',
            '–',
          ],
        ],
      ),
    ].join('\n');
    return { result, markdown };
  } finally {
    await app.close();
    box.stop();
    database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = sizeArg();
  const { result, markdown } = await runVerifyBench(size);
  const path = writeResults('verify', result);
  const m = machine();
  console.log(`verify, size ${size}: ${m.cpus} × ${m.cpuModel}, load ${m.loadAverage1m}\n`);
  console.log(markdown);
  console.log(`\n(${path})`);
}
