/**
 * Ledger append throughput, the ledger's share of quality.md P1 (≥ 10,000 events/s end to end):
 * box_event leaves appended (a) through the `verification.ledger` handler — inbox, the producer's
 * leaf-hash check, lock, tiles, leaves, head — one `event.stored` page of `--batch` events per
 * delivery, and (b) through the appender alone, next to (c) the baseline: a multi-row INSERT of
 * the same rows into a table with the same columns and indexes, in the same run.
 *
 *   node --import tsx bench/ledger-append.ts [--leaves 100000] [--batch 500]
 *
 * Uses DATABASE_URL (a database it may write to) when set, else starts a throwaway cluster.
 */

import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { canonicalize, leafHash } from '../src/ledger/index.ts';
import { MIGRATION_SETS } from '../src/migration-sets.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateUp } from '../src/platform/db/migrator.ts';
import type { Envelope } from '../src/platform/messaging/catalogue.ts';
import type { Platform } from '../src/platform/service-module.ts';
import { createProcessBox } from '../src/runtime/box-settings.ts';
import { inProcessClients } from '../src/runtime/clients.ts';
import { createProcessBasics } from '../src/runtime/process-basics.ts';
import { contextFor } from '../src/runtime/services.ts';
import { boxEventLeafText } from '../src/services/verification/leaf-format.ts';
import { createVerificationService } from '../src/services/verification/verification-module.ts';
import { psql, startPgCluster } from '../test/support/pg-cluster.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const LEAVES = arg('leaves', 100_000);
const BATCH = arg('batch', 500);

let url = process.env.DATABASE_URL;
let stop = () => {};
if (!url) {
  const cluster = await startPgCluster();
  psql(cluster, 'postgres', 'CREATE DATABASE bench');
  url = cluster.url('bench');
  stop = () => cluster.stop();
}

const dataDir = mkdtempSync(join(tmpdir(), 'auditor-bench-'));
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_URL: url,
  AUDITOR_DATA_DIR: dataDir,
});
const basics = createProcessBasics({ config, components: ['verification'], processName: 'bench' });
const pool = await openDatabase({
  url,
  dataDir,
  poolMax: 4,
  connectTimeoutMs: 5000,
  statementTimeoutMs: 600_000,
  applicationName: 'bench',
});
for (const set of MIGRATION_SETS) await migrateUp(pool.db, set);

// Synthetic Box events of a realistic size (~800 bytes of canonical JSON each).
function boxEvent(i: number) {
  return canonicalize({
    event_id: randomUUID(),
    event_type: 'ITEM_UPLOAD',
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 86_400)).toISOString(),
    created_by: {
      type: 'user',
      id: String(10_000_000 + (i % 5000)),
      name: `User ${i % 5000}`,
      login: `u${i % 5000}@example.com`,
    },
    source: {
      type: 'file',
      id: String(900_000_000_000 + i),
      name: `Quarterly report ${i}.xlsx`,
      sha1: leafHash(Buffer.from(String(i)))
        .toString('hex')
        .slice(0, 40),
      size: 10_000 + i,
      parent: { type: 'folder', id: String(800_000_000 + (i % 300)), name: 'Finance' },
      owned_by: { type: 'user', id: String(10_000_000 + (i % 5000)), login: `u${i % 5000}@example.com` },
      file_version: {
        type: 'file_version',
        id: String(1_500_000_000_000 + i),
        sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      },
    },
    additional_details: { size: 10_000 + i, version_id: String(1_500_000_000_000 + i), service_id: '12345' },
    ip_address: '192.0.2.10',
    session_id: randomUUID(),
  });
}
const texts = Array.from({ length: LEAVES }, (_, i) => boxEvent(i));
const ids = texts.map((t) => JSON.parse(t).event_id as string);
const byId = new Map(ids.map((id, i) => [id, texts[i]!]));
const hashes = texts.map((t) => leafHash(Buffer.from(boxEventLeafText(t), 'utf8')).toString('base64'));
const avgBytes = Math.round(texts.reduce((n, t) => n + Buffer.byteLength(boxEventLeafText(t)), 0) / LEAVES);

const platform: Platform = {
  ...basics,
  pool,
  mode: 'all-in-one',
  deliver: async () => {},
  // The ledger asks no other service here: events come from the fake client below.
  clients: inProcessClients(() => ({})),
  box: createProcessBox(basics),
};
const verification = await createVerificationService(contextFor(platform, 'verification'), {
  events: () => ({
    leafTexts: async (_orgId, eventIds) => eventIds.map((eventId) => ({ eventId, text: byId.get(eventId)! })),
  }),
});

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const handlerOrg = randomUUID();
const handlerSeconds = await timed(async () => {
  for (let i = 0; i < LEAVES; i += BATCH) {
    const message: Envelope<'event.stored'> = {
      id: randomUUID(),
      topic: 'event.stored',
      key: handlerOrg,
      createdAt: new Date().toISOString(),
      payload: {
        v: 1,
        orgId: handlerOrg,
        events: ids.slice(i, i + BATCH).map((eventId, j) => ({
          eventId,
          leafHash: hashes[i + j]!,
          type: 'ITEM_UPLOAD',
          itemId: null,
          itemType: null,
          ownerBoxUserId: null,
          createdAt: '2026-01-01T00:00:00Z',
        })),
      },
    };
    await verification.module.receiver!.receive('verification.ledger', [message]);
  }
});

const audit = await verification.ledger.auditor.run(handlerOrg);
const auditSeconds = await timed(async () => {
  await verification.ledger.auditor.run(handlerOrg);
});
// P7's baseline: sha256sum over the same leaf bytes (one file, already in the page cache).
const leafFile = join(dataDir, 'leaves.bin');
writeFileSync(leafFile, Buffer.concat(texts.map((t) => Buffer.from(boxEventLeafText(t), 'utf8'))));
spawnSync('sha256sum', [leafFile]);
const shaSeconds = await timed(async () => {
  const res = spawnSync('sha256sum', [leafFile]);
  if (res.status !== 0) throw new Error(`sha256sum failed: ${res.stderr}`);
});

// Each phase starts from empty tables, so none pays for another's rows (index depth, vacuum).
await sql`truncate ledger.leaves, ledger.tiles, ledger.checkpoints, ledger.cosignatures, ledger.logs, ledger.inbox cascade`.execute(
  pool.db,
);
const appenderOrg = randomUUID();
const appenderSeconds = await timed(async () => {
  for (let i = 0; i < LEAVES; i += BATCH) {
    await pool.db.transaction().execute((trx) =>
      verification.ledger.appender.append(
        trx,
        appenderOrg,
        texts
          .slice(i, i + BATCH)
          .map((t, j) => ({ kind: 'box_event' as const, ref: `a-${ids[i + j]}`, text: boxEventLeafText(t) })),
      ),
    );
  }
});

await sql`create schema if not exists bench`.execute(pool.db);
await sql`drop table if exists bench.leaves`.execute(pool.db);
await sql`create table bench.leaves (like ledger.leaves including all)`.execute(pool.db);
const baselineSeconds = await timed(async () => {
  for (let i = 0; i < LEAVES; i += BATCH) {
    const chunk = texts.slice(i, i + BATCH);
    await pool.db.transaction().execute(async (trx) => {
      await sql`
        insert into bench.leaves (log_id, leaf_index, kind, ref, data, leaf_hash)
        select 1, ${i} + t.ord - 1, 'box_event', t.ref, t.data, t.h
        from unnest(${chunk.map((_, j) => ids[i + j]!)}::text[], ${chunk.map(boxEventLeafText)}::text[],
                    ${chunk.map((_, j) => Buffer.from(hashes[i + j]!, 'base64'))}::bytea[])
          with ordinality as t(ref, data, h, ord)`.execute(trx);
    });
  }
});

const rate = (s: number) => Math.round(LEAVES / s);
console.log(
  `\nLedger append, ${LEAVES} box_event leaves of ~${avgBytes} bytes, batches of ${BATCH}; ` +
    `${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} at the end (figures drift with load; ratios hold better)\n`,
);
console.log('| Path | leaves/s | vs baseline |');
console.log('|---|---|---|');
console.log(
  `| verification.ledger handler (inbox, hash check, append) | ${rate(handlerSeconds)} | ${(baselineSeconds / handlerSeconds).toFixed(2)} |`,
);
console.log(
  `| appender alone (lock, tiles, leaves, head) | ${rate(appenderSeconds)} | ${(baselineSeconds / appenderSeconds).toFixed(2)} |`,
);
console.log(`| baseline: multi-row INSERT, same table shape and indexes | ${rate(baselineSeconds)} | 1.00 |`);
console.log(
  `| full log audit of the handler's log (${audit[0]?.ok ? 'ok' : 'FAILED'}) | ${rate(auditSeconds)} | ${(shaSeconds / auditSeconds).toFixed(2)} of sha256sum |`,
);
console.log(`| baseline: sha256sum of the same leaf bytes | ${rate(shaSeconds)} | 1.00 |`);

await pool.close();
stop();
