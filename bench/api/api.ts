/**
 * P2 and P8 (quality.md §2): authenticated API reads through the gateway, and memory under that load.
 *
 * The all-in-one product (gateway + five services in one process) runs as a **child process** on a
 * throwaway PostgreSQL cluster, with the local Box in a process of its own. Set-up (in this process,
 * through a second, short-lived product on the same database): an organisation on the local Box's
 * enterprise, Demo Admin as audit admin with a personal API token, an audit set holding a folder of
 * N files with its baseline recorded (the files catalogued and MONITORED), further empty audit sets,
 * and M events generated into `event.events` (as `bench/search` does). Then autocannon, from this
 * process, sends a mix of GETs with the bearer token over HTTP — the audit-set list, file details
 * (a random file of the set) and an event search (a random actor or type over a random 30 days) —
 * (a) closed loop at C connections (maximum throughput) and (b) at a fixed 1,000 req/s; then each
 * kind alone (closed loop) to show which costs what. RSS of the product process (`/proc` VmRSS) is
 * sampled every 250 ms during its load. Same generator and settings against the baseline: bare
 * Fastify in its own process, one primary-key lookup in `event.events` per request.
 *
 *   node --import tsx bench/api/api.ts [--size smoke|default|large] [--files N] [--events M]
 *        [--seconds S] [--connections C] [--rate R] [--cpu-prof]
 *
 * `--cpu-prof` writes a CPU profile of the product process (its whole life, start-up included) to
 * a temporary directory (its path printed) and prints its heaviest functions by self time.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import type { BoxSettings } from '../../src/box/box-connector.ts';
import { prng } from '../../test/events/fixture.ts';
import { ACTORS, generate, TYPES } from '../search/search.ts';
import {
  benchDatabase,
  machine,
  markdownTable,
  numberArg,
  round,
  type Size,
  sizeArg,
  startBenchProduct,
  writeResults,
} from '../support.ts';
import { monitorFolder, setUp, startBox } from '../verify/verify.ts';
import { type LoadResult, load, type RssStats, sampleRss, startChild } from './load.ts';
import { summariseProfile } from './profile.ts';

const SIZES: Record<Size, { files: number; events: number; seconds: number; warmup: number }> = {
  smoke: { files: 20, events: 50_000, seconds: 2, warmup: 1 },
  default: { files: 500, events: 1_000_000, seconds: 20, warmup: 5 },
  large: { files: 2000, events: 5_000_000, seconds: 60, warmup: 10 },
};
const SETS = 25;
const BASELINE = 'baseline (bare Fastify + one PK query)';
const DAY = 86_400_000;
/** startBenchProduct raises these (defaults 6,000 and 600 per minute) so that the load is not refused. */
const RAISED_LIMITS = {
  AUDITOR_RATE_LIMIT_PER_MINUTE: '10000000',
  AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE: '10000000',
};

interface Row {
  target: string;
  mode: string;
  result: LoadResult;
  bar: string;
  sql?: { statementsPerRequest: number; msPerRequest: number };
}

interface Statement {
  calls: number;
  ms: number;
  query: string;
}

/** pg_stat_statements of this database, when the extension can be loaded (not with every DATABASE_URL). */
async function statementStats(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let available = true;
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
  } catch {
    available = false;
  }
  const mine = `dbid = (select oid from pg_database where datname = current_database())
    and query not like '%pg_stat_statements%'`;
  return {
    available,
    async reset() {
      if (available) await client.query('select pg_stat_statements_reset()');
    },
    async top(limit: number): Promise<Statement[]> {
      if (!available) return [];
      const { rows } = await client.query<{ calls: string; ms: number; query: string }>(
        `select calls, total_exec_time as ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) as query
           from pg_stat_statements where ${mine} order by calls desc, total_exec_time desc limit ${limit}`,
      );
      return rows.map((r) => ({ calls: Number(r.calls), ms: round(r.ms, 1), query: r.query }));
    },
    close: () => client.end(),
  };
}

export async function runApiBench(size: Size, argv = process.argv) {
  const s = SIZES[size];
  const files = numberArg('files', s.files, argv);
  const events = numberArg('events', s.events, argv);
  const seconds = numberArg('seconds', s.seconds, argv);
  const connections = numberArg('connections', 32, argv);
  const rate = numberArg('rate', 1000, argv);
  const cpuProf = argv.includes('--cpu-prof');
  const machineBefore = machine();

  // pg_stat_statements: SQL statements and their time per request, beside each run.
  const db = await benchDatabase('bench_api', ["shared_preload_libraries = 'pg_stat_statements'"]);
  const box = await startBox(files);
  const ccg = box.info.apps.find((a) => a.kind === 'ccg')!;
  const settings: BoxSettings = {
    baseUrls: box.info.baseUrls,
    ccg: { clientId: ccg.clientId, clientSecret: ccg.clientSecret },
    callsPerMinute: 10_000_000,
    timeoutMs: 30_000,
    maxRetryWaitMs: 30_000,
  };
  const stops: (() => Promise<void>)[] = [];
  try {
    // Set-up through a short-lived product in this process.
    const setupStarted = performance.now();
    const setup = await startBenchProduct(db.url, settings);
    let orgId: string;
    let token: string;
    let fileIds: string[];
    try {
      const session = await setUp(setup, box.info);
      orgId = session.orgId;
      const api = (method: 'GET' | 'POST', url: string, body?: unknown) =>
        setup.app.inject({
          method,
          url,
          headers: {
            authorization: `Bearer ${session.token}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { payload: JSON.stringify(body) } : {}),
        });
      const setId = await monitorFolder(setup, api, box.info.folderId);
      for (let i = 1; i < SETS; i++) {
        const res = await api('POST', '/api/v1/audit-sets', { name: `Bench set ${i}` });
        if (res.statusCode !== 201) throw new Error(`creating a set: ${res.statusCode} ${res.body}`);
      }
      fileIds = (
        await sql<{
          file_id: string;
        }>`select file_id from ledger.baseline_files where set_id = ${setId}`.execute(setup.platform.pool.db)
      ).rows.map((r) => r.file_id);
      if (fileIds.length !== files) throw new Error(`the baseline saw ${fileIds.length} of ${files} files`);
      token = (await setup.services.identity!.admin.token({ email: box.info.adminLogin, name: 'bench' }))
        .token;
    } finally {
      await setup.close();
    }
    const end = new Date();
    await generate(db.url, orgId, randomUUID(), events, end);
    const setupSeconds = round((performance.now() - setupStarted) / 1000, 1);

    // The mix: set list, file details, event search, in turn on every connection.
    const r = prng(23);
    const iso = (ms: number) => new Date(ms).toISOString();
    const search = () => {
      const to = end.getTime() - r.int(0, 335) * DAY;
      const q = new URLSearchParams({ limit: '50', from: iso(to - 30 * DAY), to: iso(to) });
      if (r.next() < 0.5) q.set('actor', String(100000 + r.int(0, ACTORS - 1)));
      else q.set('type', r.pick(TYPES));
      return `/api/v1/events?${q}`;
    };
    const kinds: Record<string, Request> = {
      'audit-set list': { method: 'GET', path: '/api/v1/audit-sets' },
      'file details': {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/api/v1/files/${r.pick(fileIds)}` }),
      },
      'event search': { method: 'GET', setupRequest: (req) => ({ ...req, path: search() }) },
    };
    const headers = { authorization: `Bearer ${token}` };

    const stats = await statementStats(db.url);
    stops.push(() => stats.close());
    const rows: Row[] = [];
    let topStatements: Statement[] = [];
    /** One load run with its SQL statements per request (pg_stat_statements reset before it). */
    const measured = async (row: Omit<Row, 'result'>, run: () => Promise<LoadResult>, keepTop = false) => {
      await stats.reset();
      const result = await run();
      const top = await stats.top(1000);
      if (keepTop) topStatements = top.slice(0, 12);
      const n = Math.max(1, result.requests);
      rows.push({
        ...row,
        result,
        ...(stats.available
          ? {
              sql: {
                statementsPerRequest: round(top.reduce((a, t) => a + t.calls, 0) / n, 2),
                msPerRequest: round(top.reduce((a, t) => a + t.ms, 0) / n, 3),
              },
            }
          : {}),
      });
    };
    let rss: Record<string, RssStats>;
    const profileDir = join(tmpdir(), `auditor-api-profile-${process.pid}`);
    let profile: string | undefined;
    {
      if (cpuProf) {
        mkdirSync(profileDir, { recursive: true });
      }
      const server = await startChild<{ url: string }>(
        'bench/api/server-process.ts',
        ['--database', db.url, '--box', JSON.stringify(settings)],
        cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      );
      stops.push(server.stop);
      const pid = server.info.pid;
      for (const [name, req] of Object.entries(kinds)) {
        const path = req.setupRequest ? req.setupRequest({ ...req }, {}).path! : req.path!;
        const res = await fetch(`${server.info.url}${path}`, { headers });
        if (res.status !== 200) throw new Error(`${name} ${path}: ${res.status} ${await res.text()}`);
      }
      const mix = Object.values(kinds);
      const base = { url: server.info.url, headers, serverPid: pid };
      const rssAtRest = sampleRss({ product: pid }).stop().product!;
      await load({ ...base, connections, seconds: s.warmup, requests: mix });
      const sampler = sampleRss({ product: pid });
      await measured(
        {
          target: 'product (all-in-one)',
          mode: `mix, closed loop, ${connections} connections`,
          bar: '≥ 2,000 req/s, P99 < 100 ms',
        },
        () => load({ ...base, connections, seconds, requests: mix }),
        true,
      );
      await measured(
        { target: 'product (all-in-one)', mode: `mix, fixed ${rate} req/s`, bar: 'P99 < 50 ms' },
        () => load({ ...base, connections: 64, seconds, rate, requests: mix }),
      );
      for (const [name, req] of Object.entries(kinds))
        await measured(
          {
            target: 'product (all-in-one)',
            mode: `${name} alone, closed loop, ${connections} connections`,
            bar: '–',
          },
          () => load({ ...base, connections, seconds: Math.max(1, seconds / 2), requests: [req] }),
        );
      rss = { product: { ...sampler.stop().product!, atRestMiB: rssAtRest.maxMiB } };
      await server.stop();
      if (cpuProf) {
        // The main thread's (thread 0; the other is tsx's module-loader thread).
        const file = readdirSync(profileDir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
        if (file) profile = `${join(profileDir, file)}\n${summariseProfile(join(profileDir, file), 25)}`;
      }
    }
    {
      const baseline = await startChild<{ url: string }>('bench/api/baseline-process.ts', [
        '--database',
        db.url,
        '--org',
        orgId,
      ]);
      stops.push(baseline.stop);
      let n = 0;
      const req: Request = {
        method: 'GET',
        setupRequest: (q) => ({ ...q, path: `/events/${n++}` }),
      };
      const base = { url: baseline.info.url, serverPid: baseline.info.pid, requests: [req] };
      await load({ ...base, connections, seconds: s.warmup });
      const sampler = sampleRss({ baseline: baseline.info.pid });
      await measured({ target: BASELINE, mode: `closed loop, ${connections} connections`, bar: '–' }, () =>
        load({ ...base, connections, seconds }),
      );
      await measured({ target: BASELINE, mode: `fixed ${rate} req/s`, bar: '–' }, () =>
        load({ ...base, connections: 64, seconds, rate }),
      );
      rss.baseline = sampler.stop().baseline!;
      await baseline.stop();
    }

    const ours = rows[0]!.result;
    const theirs = rows.find((x) => x.target.startsWith('baseline'))!.result;
    const ratio = round(ours.rps / theirs.rps, 2);
    const result = {
      benchmark: 'api',
      size,
      at: new Date().toISOString(),
      machine: machine(),
      loadAverageAtStart: machineBefore.loadAverage1m,
      files,
      events,
      auditSets: SETS,
      secondsPerRun: seconds,
      connections,
      rate,
      setupSeconds,
      raisedLimits: RAISED_LIMITS,
      runs: rows,
      ratio,
      rss,
      topStatements,
      targets: {
        p2: '≥ 2,000 req/s with P99 < 100 ms; at 1,000 req/s P99 < 50 ms; ratio to baseline ≥ 0.5',
        p8: '< 250 MB RSS per service process, < 500 MB all-in-one, under P2 load',
      },
      ...(profile ? { profile } : {}),
    };
    const errs = (x: LoadResult) => `${x.errors + x.timeouts}/${x.non2xx}`;
    const markdown = [
      markdownTable(
        [
          'target',
          'load',
          'req/s',
          'P50 ms',
          'P90 ms',
          'P99 ms',
          'max ms',
          'errors/non-2xx',
          'server CPU ms/req',
          'SQL stmts/req',
          'SQL ms/req',
          'bar',
        ],
        rows.map((x) => [
          x.target,
          x.mode,
          x.result.rps,
          x.result.p50,
          x.result.p90,
          x.result.p99,
          x.result.max,
          errs(x.result),
          x.result.serverCpuMsPerRequest,
          x.sql?.statementsPerRequest ?? '–',
          x.sql?.msPerRequest ?? '–',
          x.bar,
        ]),
      ),
      '',
      markdownTable(
        ['process', 'RSS at rest MiB', 'RSS P50 under load MiB', 'RSS max under load MiB', 'bar'],
        [
          [
            'product (all-in-one)',
            rss.product!.atRestMiB!,
            rss.product!.p50MiB,
            rss.product!.maxMiB,
            '< 500 MB',
          ],
          ['baseline (bare Fastify)', '–', rss.baseline!.p50MiB, rss.baseline!.maxMiB, '–'],
        ],
      ),
      '',
      `ratio to the baseline (closed loop req/s): ${ratio} (target ≥ 0.5). ${files} files in the set, ` +
        `${events.toLocaleString('en')} events, ${SETS} audit sets; ${seconds} s per run after ${s.warmup} s ` +
        `of warm-up; load generator (autocannon) in the benchmark process on the same machine, ` +
        `${rows[0]!.result.loadGeneratorCpuMsPerRequest} CPU ms per request; rate limits raised for the ` +
        `benchmark (AUDITOR_RATE_LIMIT_PER_MINUTE and AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE = 10,000,000); ` +
        `load average ${machineBefore.loadAverage1m} at the start, ${result.machine.loadAverage1m} at the end.`,
      ...(topStatements.length > 0
        ? [
            '',
            markdownTable(
              [
                'SQL statements of the product, mixed closed-loop run (most called)',
                'per request',
                'ms per call',
              ],
              topStatements.map((t) => [
                `\`${t.query.replaceAll('|', '\\|')}\``,
                round(t.calls / rows[0]!.result.requests, 2),
                round(t.ms / t.calls, 3),
              ]),
            ),
          ]
        : []),
      ...(profile ? ['', '```text', profile, '```'] : []),
    ].join('\n');
    return { result, markdown };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    box.stop();
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = sizeArg();
  const { result, markdown } = await runApiBench(size);
  const path = writeResults('api', result);
  const m = result.machine;
  console.log(`api, size ${size}: ${m.cpus} × ${m.cpuModel}, load ${m.loadAverage1m}\n`);
  console.log(markdown);
  console.log(`\n(${path})`);
}
