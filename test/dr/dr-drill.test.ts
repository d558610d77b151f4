/**
 * Disaster-recovery drill (operations.md §7, plan §6): a primary and a synchronous streaming standby
 * on this machine (pg_basebackup -R), the product (all-in-one, every service and background job) on a
 * multi-host DATABASE_URL, a steady write load through the API, the primary killed
 * (pg_ctl stop -m immediate) and the standby promoted (pg_ctl promote). The services must follow the
 * new primary without a restart, lose no acknowledged write, and the ledger audit must pass.
 * Figures are printed as `DR-DRILL {...}` (docs/operations.md records them). Run: npm run test:dr
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { readDbHealth } from '../../src/ops/db-health.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrateTemplateDatabase } from '../../src/platform/db/migrate-template.ts';
import { type RunningAllInOne, startAllInOne } from '../../src/runtime/all-in-one.ts';
import { freePort, type PgCluster, psql, runPgBinary, startPgCluster } from '../support/pg-cluster.ts';
import { TEST_PASSWORD, testEnv } from '../support/test-app.ts';

const LOAD_BEFORE_MS = 4000;
const LOAD_AFTER_MS = 4000;
const RTO_BUDGET_MS = 60_000;

function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}

async function one<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

describe('disaster-recovery drill: lose the primary, promote the standby', () => {
  let primary: PgCluster;
  let standbyDir: string;
  let standbyData: string;
  let standbyPort: number;
  let app: RunningAllInOne;
  let dataDir: string;

  before(async () => {
    primary = await startPgCluster({
      extraConf: ['wal_level = replica', 'max_wal_senders = 5', 'wal_keep_size = 256MB', 'hot_standby = on'],
    });
    psql(primary, 'postgres', 'CREATE DATABASE auditor');
    await migrateTemplateDatabase(primary.url('auditor'));

    standbyDir = mkdtempSync(join(tmpdir(), 'auditor-standby-'));
    standbyData = join(standbyDir, 'data');
    const socketDir = join(standbyDir, 'sock');
    mkdirSync(socketDir);
    const owner = postgresOwner();
    if (owner) {
      chownSync(standbyDir, owner.uid, owner.gid);
      chownSync(socketDir, owner.uid, owner.gid);
    }
    standbyPort = await freePort();
    runPgBinary('pg_basebackup', [
      '-D',
      standbyData,
      '-R',
      '--checkpoint=fast',
      '-X',
      'stream',
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
    ]);
    // Later lines win: the standby's own port and socket, and a name for synchronous replication.
    appendFileSync(
      join(standbyData, 'postgresql.auto.conf'),
      `port = ${standbyPort}\nunix_socket_directories = '${socketDir}'\ncluster_name = 'standby1'\n`,
    );
    runPgBinary('pg_ctl', [
      '-D',
      standbyData,
      '-l',
      join(standbyDir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    // Synchronous replication (as the CloudNativePG cluster runs it): a commit is acknowledged only
    // once the standby has it, so losing the primary loses no acknowledged write.
    for (let i = 0; ; i++) {
      const r = await one<{ n: number }>(
        primary.url('postgres'),
        "select count(*)::int as n from pg_stat_replication where state = 'streaming'",
      );
      if (r[0]!.n === 1) break;
      if (i > 100) throw new Error('the standby did not start streaming');
      await new Promise((res) => setTimeout(res, 100));
    }
    psql(primary, 'postgres', "ALTER SYSTEM SET synchronous_standby_names = '*'");
    psql(primary, 'postgres', 'ALTER SYSTEM SET synchronous_commit = on');
    psql(primary, 'postgres', 'SELECT pg_reload_conf()');

    dataDir = mkdtempSync(join(tmpdir(), 'auditor-dr-'));
    const config = loadConfig(
      testEnv({
        AUDITOR_DATA_DIR: dataDir,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${standbyPort}/auditor`,
        AUDITOR_DB_CONNECT_TIMEOUT: '1s',
        AUDITOR_CHECKPOINT_INTERVAL: '1s',
        AUDITOR_INGEST_ENABLED: 'false',
        LOG_LEVEL: 'silent',
      }),
    );
    app = await startAllInOne({ config, startBackground: true });
  });

  after(async () => {
    await app?.close();
    runPgBinary('pg_ctl', ['-D', standbyData, '-m', 'immediate', '-w', 'stop'], { allowFail: true });
    rmSync(standbyDir, { recursive: true, force: true });
    primary?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the product follows the promoted standby without a restart, loses no acknowledged write, and the ledger audit passes', async () => {
    // db health sees the replication from both sides.
    for (const [port, role] of [
      [primary.port, 'primary'],
      [standbyPort, 'standby'],
    ] as const) {
      const pool = await openDatabase({
        url: `postgres://postgres@127.0.0.1:${port}/auditor`,
        dataDir,
        poolMax: 1,
        connectTimeoutMs: 5000,
        statementTimeoutMs: 30_000,
        applicationName: 'dr-health',
      });
      try {
        const health = await readDbHealth(pool.db);
        assert.equal(health.role, role);
        assert.equal(health.replication.length, 1);
        assert.equal(health.replication[0]!.name, role === 'primary' ? 'standby1' : 'self');
        assert.equal(health.replication[0]!.state, 'streaming');
      } finally {
        await pool.close();
      }
    }

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${app.url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
      });
    const { organizationId } = await app.services.identity!.admin.bootstrap({
      org: 'DR Org',
      email: 'admin@dr.test',
      password: TEST_PASSWORD,
    });
    const login = (await (
      await api('/api/v1/auth/login', {
        method: 'POST',
        body: JSON.stringify({ email: 'admin@dr.test', password: TEST_PASSWORD }),
      })
    ).json()) as { accessToken: string };
    const token = login.accessToken;

    const acknowledged: { id: string; email: string; at: number }[] = [];
    const refused: { status: number; at: number }[] = [];
    let running = true;
    let n = 0;
    async function writer(): Promise<void> {
      while (running) {
        const email = `dr${n++}@firm.test`;
        const at = Date.now();
        try {
          const res = await api('/api/v1/users', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: JSON.stringify({
              email,
              name: 'DR',
              auditorFirm: 'Firm',
              password: 'a long enough password 1',
            }),
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status === 201)
            acknowledged.push({ id: ((await res.json()) as { id: string }).id, email, at: Date.now() });
          else {
            refused.push({ status: res.status, at });
            await res.body?.cancel();
            await new Promise((r) => setTimeout(r, 50));
          }
        } catch {
          refused.push({ status: 0, at });
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    const writers = [writer(), writer()];
    await new Promise((r) => setTimeout(r, LOAD_BEFORE_MS));
    const beforeKill = acknowledged.length;
    assert.ok(beforeKill > 5, `only ${beforeKill} writes before the failure`);

    const killedAt = Date.now();
    runPgBinary('pg_ctl', ['-D', join(primary.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    runPgBinary('pg_ctl', ['-D', standbyData, '-w', '-t', '60', 'promote']);
    const promotedAt = Date.now();

    let recoveredAt: number | undefined;
    while (Date.now() - killedAt < RTO_BUDGET_MS) {
      recoveredAt = acknowledged.find((a) => a.at > promotedAt)?.at;
      if (recoveredAt) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(recoveredAt, 'no write succeeded after the promotion');
    await new Promise((r) => setTimeout(r, LOAD_AFTER_MS));
    running = false;
    await Promise.all(writers);

    // Every acknowledged user is on the new primary.
    const newPrimary = `postgres://postgres@127.0.0.1:${standbyPort}/auditor`;
    const stored = await one<{ email: string }>(
      newPrimary,
      'select email from identity.users where email = any($1)',
      [acknowledged.map((a) => a.email)],
    );
    const lost = acknowledged.length - stored.length;
    assert.equal(lost, 0, `${lost} acknowledged writes lost`);
    assert.equal((await one<{ r: boolean }>(newPrimary, 'select pg_is_in_recovery() as r'))[0]!.r, false);

    // The outbox reaches the ledger on the new primary, checkpoints are signed, and the audit passes.
    await app.drainOutboxes(30_000);
    await app.services.verification!.ledger.checkpoints.signDue({ force: true });
    const leaves = await one<{ data: string }>(newPrimary, 'select data from ledger.leaves');
    const inLedger = new Set(leaves.map((l) => JSON.parse(l.data).data.payload.userId as string));
    const missing = acknowledged.filter((a) => !inLedger.has(a.id));
    assert.deepEqual(missing, [], 'acknowledged users without a ledger leaf');
    const audits = await app.services.verification!.ledger.auditor.run(organizationId);
    assert.equal(audits.length, 1);
    assert.equal(audits[0]!.ok, true, JSON.stringify(audits[0]));

    const figures = {
      recoveryMs: recoveredAt - killedAt,
      promoteMs: promotedAt - killedAt,
      firstWriteAfterPromotionMs: recoveredAt - promotedAt,
      acknowledgedWrites: acknowledged.length,
      acknowledgedBeforeFailure: beforeKill,
      refusedDuringFailover: refused.filter((r) => r.at >= killedAt).length,
      lostAcknowledgedWrites: lost,
      ledgerLeaves: audits[0]!.treeSize,
      ledgerAuditOk: audits[0]!.ok,
    };
    console.log(`DR-DRILL ${JSON.stringify(figures)}`);
    assert.ok(figures.recoveryMs < RTO_BUDGET_MS);
  });
});
