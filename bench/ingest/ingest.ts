/**
 * P1 (quality.md §2): Box events ingested end to end — the local Box's `admin_logs_streaming` pages of
 * 500, through `src/box` (the SDK, our lossless parse) and the ingester (normalise, de-duplicate,
 * store, announce `event.stored`, move the cursor, one transaction per page) into PostgreSQL — next
 * to the baselines in the same run: a multi-row INSERT and a COPY of the same rows into the same
 * table (event.events, same partitions and indexes). A breakdown of our path (fetch, normalise,
 * store) says where the time goes; the relay into the ledger is timed separately.
 *
 *   node --import tsx bench/ingest/ingest.ts [--size smoke|default|large] [--events N]
 *
 * Figures are against the local Box; real Box allows about 1,000 calls per minute per user, which
 * caps ingestion at about 8,300 events/s (pages of 500) whatever we do.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { BoxSettings } from '../../src/box/box-connector.ts';
import type { RawBoxEvent } from '../../src/box/box-model.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { eventRow, INSERT_COLUMNS } from '../../src/services/event/event-store.ts';
import type { EventTables } from '../../src/services/event/event-tables.ts';
import { type NormalizedEvent, normalizeEvent } from '../../src/services/event/normalize-event.ts';
import { storeAndAnnounce } from '../../src/services/event/stored-page.ts';
import { PG_BIN_DIR } from '../../test/support/pg-cluster.ts';
import {
  benchDatabase,
  machine,
  markdownTable,
  numberArg,
  ROOT,
  round,
  type Size,
  sizeArg,
  startBenchProduct,
  timed,
  writeResults,
} from '../support.ts';

const SIZES: Record<Size, number> = { smoke: 5_000, default: 50_000, large: 250_000 };
/** COPY text format: \N for null, backslash escapes. */
function copyText(orgId: string, events: NormalizedEvent[]): string {
  const esc = (v: unknown): string => {
    if (v === null || v === undefined) return '\\N';
    if (v instanceof Date) return v.toISOString();
    if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
    return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  };
  return events.map((e) => `${eventRow(orgId, e).map(esc).join('\t')}\n`).join('');
}

function psqlCopy(url: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(PG_BIN_DIR, 'psql'),
      [
        '-d',
        url,
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        `\\copy event.events (${INSERT_COLUMNS.join(', ')}) from stdin`,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql copy failed: ${err}`))));
    child.stdin.end(data);
  });
}

interface BoxProcess {
  info: {
    url: string;
    baseUrls: { baseUrl: string; uploadUrl: string; oauth2Url: string };
    enterprise: { id: string };
    apps: { kind: string; clientId: string; clientSecret: string }[];
  };
  ccg: { clientId: string; clientSecret: string };
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  summary(): Promise<{ enterpriseEvents: number; streamPosition: string }>;
  stop(): Promise<void>;
}

async function startBoxProcess(): Promise<BoxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'box-emulator/main.ts', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const info = await new Promise<BoxProcess['info']>((resolve, reject) => {
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
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${info.url}${path}`, {
      method,
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    info,
    ccg: info.apps.find((a) => a.kind === 'ccg')!,
    control,
    summary: () =>
      control('GET', '/_emulator/state/summary') as Promise<{
        enterpriseEvents: number;
        streamPosition: string;
      }>,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function runIngestBench(size: Size, argv = process.argv) {
  const target = numberArg('events', SIZES[size], argv);
  const db = await benchDatabase('bench_ingest');
  // The local Box in its own process, as Box is a remote service: its work does not share our event loop.
  const box = await startBoxProcess();
  try {
    // A large enterprise history, generated in the local Box (not timed).
    const generated = await timed(async () => {
      for (let made = (await box.summary()).enterpriseEvents; made < target; ) {
        const n = Math.min(10_000, target - made);
        await box.control('POST', '/_emulator/activity', { events: n });
        made += n;
      }
    });
    const settings: BoxSettings = {
      baseUrls: box.info.baseUrls,
      ccg: { clientId: box.ccg.clientId, clientSecret: box.ccg.clientSecret },
      callsPerMinute: 10_000_000,
      timeoutMs: 60_000,
      maxRetryWaitMs: 60_000,
    };
    const product = await startBenchProduct(db.url, settings, { AUDITOR_INGEST_PAGE_SIZE: '500' });
    const latest = async () => (await box.summary()).streamPosition;
    const pool = product.platform.pool.db;
    const event = product.services.event!;
    const enterpriseId = box.info.enterprise.id;
    const connect = async (orgId: string) =>
      sql`insert into identity.organizations (id, name, box_enterprise_id)
          values (${orgId}, ${`Bench ${orgId.slice(0, 8)}`}, ${enterpriseId})`.execute(pool);
    // One organisation at a time is connected to the enterprise (box_enterprise_id is unique).
    const disconnect = async (orgId: string) =>
      sql`update identity.organizations set box_enterprise_id = null where id = ${orgId}`.execute(pool);
    const count = async (orgId: string) =>
      Number(
        (
          await sql<{ n: string }>`select count(*) as n from event.events where org_id = ${orgId}`.execute(
            pool,
          )
        ).rows[0]!.n,
      );
    const enterprise = product.platform.box.enterprise(enterpriseId);

    /** Our path, end to end: the ingester from position 0 to the head of the stream, for a new organisation. */
    async function endToEnd() {
      const orgId = randomUUID();
      await connect(orgId);
      const t = await timed(async () => {
        while (await event.ingester.tick()) {}
      });
      const position = (
        await sql<{
          p: string;
        }>`select stream_position as p from event.org_streams where org_id = ${orgId}`.execute(pool)
      ).rows[0]!.p;
      if (position !== (await latest())) throw new Error('the ingester did not catch up');
      await disconnect(orgId);
      return { ms: t.ms, events: await count(orgId), orgId };
    }

    // Warm-up (not timed): the CCG token, JIT, PostgreSQL caches and the partitions.
    await endToEnd();
    await event.module.relay!.drain(30 * 60_000);

    // The same pages, for the breakdown and the baselines.
    const pages: RawBoxEvent[][] = [];
    const fetchAll = async () => {
      pages.length = 0;
      let pos = '0';
      for (;;) {
        const page = await enterprise.events({
          streamType: 'admin_logs_streaming',
          streamPosition: pos,
          limit: 500,
        });
        if (page.entries.length > 0) pages.push(page.entries);
        pos = page.nextStreamPosition;
        if (page.entries.length < 500) break;
      }
    };
    await fetchAll();
    const fetched = pages.reduce((n, p) => n + p.length, 0);
    let normalized: NormalizedEvent[][] = pages.map((p) => p.map((e) => normalizeEvent(e)));
    const all = normalized.flat();

    const methods: Record<string, () => Promise<{ ms: number; events: number }>> = {
      e2e: async () => endToEnd(),
      fetch: async () => ({ ms: (await timed(fetchAll)).ms, events: fetched }),
      normalize: async () => ({
        ms: (
          await timed(async () => {
            normalized = pages.map((p) => p.map((e) => normalizeEvent(e)));
          })
        ).ms,
        events: fetched,
      }),
      store: async () => {
        const orgId = randomUUID();
        const t = await timed(async () => {
          for (const page of normalized) {
            await event.deps.store.prepare(page);
            await (event.deps.database as Database<EventTables>).transaction((trx) =>
              storeAndAnnounce(event.deps, trx, orgId, page),
            );
          }
        });
        return { ms: t.ms, events: await count(orgId) };
      },
      insert: async () => {
        const orgId = randomUUID();
        const t = await timed(async () => {
          for (const page of normalized) {
            const values = page.map((e) => sql`(${sql.join(eventRow(orgId, e))})`);
            await sql`insert into event.events (${sql.raw(INSERT_COLUMNS.join(', '))}) values ${sql.join(values)}`.execute(
              pool,
            );
          }
        });
        return { ms: t.ms, events: await count(orgId) };
      },
      copy: async () => {
        const orgId = randomUUID();
        const data = copyText(orgId, all);
        const t = await timed(() => psqlCopy(db.url, data));
        return { ms: t.ms, events: await count(orgId) };
      },
    };
    const REPS = 3;
    const samples: Record<string, { ms: number; events: number }[]> = {};
    let relay = { ms: 0, leaves: 0 };
    for (let rep = 0; rep < REPS; rep++) {
      // Rotated order: the table grows with every run, so no method always meets the largest table.
      const names = Object.keys(methods);
      const order = [...names.slice(rep % names.length), ...names.slice(0, rep % names.length)];
      for (const name of order) {
        const sample = await methods[name]!();
        (samples[name] ??= []).push(sample);
        if (name === 'e2e' && rep === 0) {
          // Announced → ledger: the event relay delivers this run's event.stored messages.
          const orgId = (sample as { orgId?: string }).orgId!;
          const t = await timed(async () => event.module.relay!.drain(30 * 60_000));
          const leaves = Number(
            (
              await sql<{
                n: string;
              }>`select count(*) as n from ledger.leaves l join ledger.logs g on g.id = l.log_id
                                       where g.org_id = ${orgId} and l.kind = 'box_event'`.execute(pool)
            ).rows[0]!.n,
          );
          relay = { ms: t.ms, leaves };
        }
      }
    }
    const median = (name: string) => {
      const xs = [...samples[name]!].sort((a, b) => a.ms - b.ms);
      return xs[Math.floor(xs.length / 2)]!;
    };
    for (const name of ['e2e', 'store', 'insert', 'copy'])
      for (const x of samples[name]!)
        if (x.events !== all.length) throw new Error(`${name} stored ${x.events} of ${all.length}`);
    const stored = median('e2e').events;
    await product.close();
    const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
    const ours = rate(stored, median('e2e').ms);
    const insertRate = rate(all.length, median('insert').ms);
    const copyRate = rate(all.length, median('copy').ms);
    const rows: [string, number, number][] = [
      ['End to end: local Box pages of 500 → src/box → ingester → PostgreSQL', stored, median('e2e').ms],
      ['  part: fetch + lossless parse (src/box, HTTP)', fetched, median('fetch').ms],
      ['  part: normalise (canonical JSON, leaf hash)', fetched, median('normalize').ms],
      ['  part: store + announce (event_keys, events, outbox)', fetched, median('store').ms],
      ['Baseline: multi-row INSERT, 500 rows per statement', all.length, median('insert').ms],
      ['Baseline: COPY (psql \\copy, text format)', all.length, median('copy').ms],
      ['Announced → ledger (event relay: ledger intake + enrichment queue)', relay.leaves, relay.ms],
    ];
    const result = {
      benchmark: 'ingest',
      size,
      at: new Date().toISOString(),
      machine: machine(),
      events: stored,
      generateSeconds: round(generated.ms / 1000),
      pages: pages.length,
      repetitions: REPS,
      samples,
      rows: rows.map(([step, n, ms]) => ({
        step: step.trim(),
        events: n,
        seconds: round(ms / 1000, 2),
        perSecond: rate(n, ms),
      })),
      eventsPerSecond: ours,
      insertPerSecond: insertRate,
      copyPerSecond: copyRate,
      ratioToInsert: round(ours / insertRate, 2),
      ratioToCopy: round(ours / copyRate, 2),
      ledgerLeaves: relay.leaves,
      targets: { eventsPerSecond: 10_000, ratio: 0.5 },
    };
    const table = markdownTable(
      ['step', 'events', 'seconds', 'events/s'],
      rows.map(([step, n, ms]) => [step, n, round(ms / 1000, 2), rate(n, ms)]),
    );
    const summary = `ours ${ours} events/s; ratio ${result.ratioToInsert} to multi-row INSERT, ${result.ratioToCopy} to COPY (targets: ≥ 10,000 events/s, ratio ≥ 0.5)`;
    return { result, markdown: `${table}\n\n${summary}` };
  } finally {
    await box.stop();
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { result, markdown } = await runIngestBench(sizeArg());
  const path = writeResults('ingest', result);
  console.log(
    `\n### Ingest (P1), size ${result.size}, ${result.machine.cpus} CPUs, load ${result.machine.loadAverage1m}\n`,
  );
  console.log(markdown);
  console.log(`\n(results: ${path})`);
}
