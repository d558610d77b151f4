/**
 * Logical backups of every schema of ours (operations.md §7, plan §6):
 *
 * create   opens a REPEATABLE READ transaction, exports its snapshot, records row counts and the latest
 *          checkpoint of every ledger log in that snapshot, and runs pg_dump (custom format) of our
 *          schemas on the same snapshot: the dump and its manifest describe one instant.
 * verify   checks the dump's SHA-256, restores it into a scratch database (our schemas dropped first),
 *          compares row counts and checkpoints with the manifest, and runs the full ledger audit
 *          (src/services/verification/log-auditor.ts) on the restored copy. A backup failing any
 *          check is broken.
 * restore  restores a backup into a target database (refusing one that holds our data unless
 *          `clean`), re-applies the service roles' grants and compares row counts.
 *
 * Files: `<dir>/auditor-backup-<UTC timestamp>.dump` and `.json` (the manifest).
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createNoteVerifier } from '../ledger/index.ts';
import { MIGRATION_SETS } from '../migration-sets.ts';
import { redactDatabaseUrl } from '../platform/db/connection-string.ts';
import type { AnyDb } from '../platform/db/database.ts';
import { ensureServiceRole } from '../platform/db/service-roles.ts';
import { createLedgerRepository } from '../services/verification/ledger-repository.ts';
import { createLogAuditor, type LogAuditResult } from '../services/verification/log-auditor.ts';
import { runTool, sameDatabase } from './pg-tools.ts';
import { OUR_SCHEMAS } from './schemas.ts';

export interface BackupCheckpoint {
  origin: string;
  treeSize: number;
  /** Base64 root hash. */
  root: string;
  note: string;
}

export interface BackupManifest {
  format: 1;
  createdAt: string;
  database: string;
  serverVersion: string;
  schemas: string[];
  rowCounts: Record<string, number>;
  checkpoints: BackupCheckpoint[];
  dumpFile: string;
  sha256: string;
  bytes: number;
}

export interface BackupFiles {
  dump: string;
  manifest: string;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

function withClient(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  return client;
}

async function existingSchemas(client: pg.Client): Promise<string[]> {
  const r = await client.query<{ s: string }>(
    'select nspname as s from pg_namespace where nspname = any($1) order by nspname',
    [[...OUR_SCHEMAS]],
  );
  return r.rows.map((x) => x.s);
}

async function rowCounts(client: pg.Client, schemas: string[]): Promise<Record<string, number>> {
  const tables = await client.query<{ s: string; t: string }>(
    `select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema = any($1) order by 1, 2`,
    [schemas],
  );
  const out: Record<string, number> = {};
  for (const { s, t } of tables.rows) {
    const r = await client.query<{ n: string }>(
      `select count(*) as n from ${pg.escapeIdentifier(s)}.${pg.escapeIdentifier(t)}`,
    );
    out[`${s}.${t}`] = Number(r.rows[0]?.n ?? 0);
  }
  return out;
}

async function latestCheckpoints(client: pg.Client, schemas: string[]): Promise<BackupCheckpoint[]> {
  if (!schemas.includes('ledger')) return [];
  const exists = await client.query(
    "select 1 from information_schema.tables where table_schema = 'ledger' and table_name = 'checkpoints'",
  );
  if (exists.rowCount === 0) return [];
  const r = await client.query<{ origin: string; tree_size: string; root: Buffer; note: string }>(
    `select distinct on (l.id) l.origin, c.tree_size, c.root, c.note
       from ledger.logs l join ledger.checkpoints c on c.log_id = l.id
      order by l.id, c.tree_size desc`,
  );
  return r.rows.map((x) => ({
    origin: x.origin,
    treeSize: Number(x.tree_size),
    root: Buffer.from(x.root).toString('base64'),
    note: x.note,
  }));
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Creates a backup of `url` (a single-host URL of the primary) in `dir`. */
export async function createBackup(
  url: string,
  dir: string,
  now = new Date(),
): Promise<{
  files: BackupFiles;
  manifest: BackupManifest;
}> {
  mkdirSync(dir, { recursive: true });
  const name = `auditor-backup-${stamp(now)}`;
  const dump = resolve(dir, `${name}.dump`);
  const manifestPath = resolve(dir, `${name}.json`);
  const client = withClient(url);
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read, read only');
    const snapshot = (await client.query<{ s: string }>('select pg_export_snapshot() as s')).rows[0]!.s;
    const version = (await client.query<{ v: string }>('show server_version')).rows[0]!.v;
    const schemas = await existingSchemas(client);
    if (schemas.length === 0) throw new Error('the database holds none of our schemas; nothing to back up');
    const counts = await rowCounts(client, schemas);
    const checkpoints = await latestCheckpoints(client, schemas);
    const result = await runTool('pg_dump', [
      '--format=custom',
      `--snapshot=${snapshot}`,
      `--file=${dump}`,
      ...schemas.map((s) => `--schema=${s}`),
      `--dbname=${url}`,
    ]);
    if (result.code !== 0) {
      rmSync(dump, { force: true });
      throw new Error(`pg_dump failed: ${result.stderr.trim()}`);
    }
    await client.query('commit');
    const manifest: BackupManifest = {
      format: 1,
      createdAt: now.toISOString(),
      database: redactDatabaseUrl(url),
      serverVersion: version,
      schemas,
      rowCounts: counts,
      checkpoints,
      dumpFile: basename(dump),
      sha256: await sha256File(dump),
      bytes: statSync(dump).size,
    };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    return { files: { dump, manifest: manifestPath }, manifest };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The manifest at `path` (a manifest, a dump beside its manifest, or a directory: its newest backup). */
export function locateBackup(path: string): { files: BackupFiles; manifest: BackupManifest } {
  let manifestPath = resolve(path);
  if (existsSync(manifestPath) && statSync(manifestPath).isDirectory()) {
    const newest = readdirSync(manifestPath)
      .filter((f) => /^auditor-backup-.*\.json$/.test(f))
      .sort()
      .at(-1);
    if (!newest) throw new Error(`no backup in ${manifestPath}`);
    manifestPath = join(manifestPath, newest);
  } else if (manifestPath.endsWith('.dump')) {
    manifestPath = manifestPath.replace(/\.dump$/, '.json');
  }
  if (!existsSync(manifestPath)) throw new Error(`no backup manifest at ${manifestPath}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest;
  if (manifest.format !== 1) throw new Error(`${manifestPath}: unknown manifest format`);
  return {
    files: { manifest: manifestPath, dump: join(dirname(manifestPath), manifest.dumpFile) },
    manifest,
  };
}

export interface RestoreResult {
  rowCounts: Record<string, number>;
  /** Tables whose count differs from the manifest's. */
  countMismatches: Array<{ table: string; expected: number; restored: number }>;
}

/** Restores a backup into `targetUrl`. Our schemas there are dropped first when `clean`. */
export async function restoreBackup(
  backup: { files: BackupFiles; manifest: BackupManifest },
  targetUrl: string,
  o: { clean: boolean; sourceUrl?: string | undefined },
): Promise<RestoreResult> {
  if (o.sourceUrl && sameDatabase(o.sourceUrl, targetUrl))
    throw new Error('the restore target is the database of DATABASE_URL; give another database');
  const digest = await sha256File(backup.files.dump);
  if (digest !== backup.manifest.sha256)
    throw new Error(
      `${backup.files.dump}: SHA-256 ${digest} differs from the manifest (${backup.manifest.sha256})`,
    );
  const client = withClient(targetUrl);
  await client.connect();
  try {
    const present = await existingSchemas(client);
    if (present.length > 0) {
      if (!o.clean)
        throw new Error(
          `the target already holds schemas ${present.join(', ')}; pass --clean to drop them first (their data is lost)`,
        );
      for (const s of present) await client.query(`drop schema ${pg.escapeIdentifier(s)} cascade`);
    }
  } finally {
    await client.end().catch(() => {});
  }
  const result = await runTool('pg_restore', [
    '--no-owner',
    '--no-privileges',
    '--exit-on-error',
    '--single-transaction',
    `--dbname=${targetUrl}`,
    backup.files.dump,
  ]);
  if (result.code !== 0) throw new Error(`pg_restore failed: ${result.stderr.trim()}`);
  const after = withClient(targetUrl);
  await after.connect();
  try {
    const counts = await rowCounts(after, await existingSchemas(after));
    const tables = new Set([...Object.keys(counts), ...Object.keys(backup.manifest.rowCounts)]);
    const countMismatches = [...tables]
      .filter((t) => (counts[t] ?? -1) !== (backup.manifest.rowCounts[t] ?? -1))
      .map((t) => ({ table: t, expected: backup.manifest.rowCounts[t] ?? 0, restored: counts[t] ?? 0 }));
    return { rowCounts: counts, countMismatches };
  } finally {
    await after.end().catch(() => {});
  }
}

/** Grants of the service roles on the restored schemas (as `migrate up` gives them). */
export async function reapplyServiceRoles(db: AnyDb): Promise<void> {
  for (const set of MIGRATION_SETS) {
    const exists = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_namespace where nspname = ${set.schema}`.execute(db);
    if ((exists.rows[0]?.n ?? 0) > 0) await ensureServiceRole(db, set.service, set.schema);
  }
}

export interface VerifyResult {
  ok: boolean;
  backup: string;
  createdAt: string;
  problems: string[];
  audits: LogAuditResult[];
  restore: RestoreResult;
}

/** Describes what an audit found, naming leaves, checkpoints and tiles. */
export function describeAudit(a: LogAuditResult): string[] {
  const out: string[] = [];
  for (const m of a.leafHashMismatches)
    out.push(`${a.origin}: leaf ${m.index} does not match its stored hash`);
  for (const g of a.indexGaps) out.push(`${a.origin}: leaves ${g.from}..${g.to} are missing`);
  for (const m of a.rootMismatches)
    out.push(`${a.origin}: checkpoint ${m.treeSize} root differs from the leaves`);
  for (const c of a.checkpointProblems)
    out.push(`${a.origin}: checkpoint ${c.treeSize} ${c.problem} (${c.message})`);
  if (a.headMismatch)
    out.push(`${a.origin}: head at size ${a.headMismatch.treeSize} differs from the leaves`);
  for (const c of a.unreachedCheckpoints)
    out.push(`${a.origin}: ${c === -1 ? 'the head' : `checkpoint ${c}`} is beyond the leaves present`);
  for (const t of a.tileMismatches) out.push(`${a.origin}: tile level ${t.level} index ${t.index} differs`);
  for (const c of a.cosignatureProblems) out.push(`${a.origin}: cosignature at ${c.treeSize} ${c.problem}`);
  if (!a.ok && out.length === 0) out.push(`${a.origin}: audit failed`);
  return out;
}

/**
 * Restores the backup into the scratch database and audits it. `logKey` is the log's C2SP verifier
 * key (from the configured signing key, or given): checkpoint signatures are checked against it,
 * never against anything inside the backup.
 */
export async function verifyBackup(
  backup: { files: BackupFiles; manifest: BackupManifest },
  o: { scratchUrl: string; sourceUrl?: string | undefined; logKey: string },
): Promise<VerifyResult> {
  const restore = await restoreBackup(backup, o.scratchUrl, { clean: true, sourceUrl: o.sourceUrl });
  const problems = restore.countMismatches.map(
    (m) => `${m.table}: ${m.restored} rows restored, the manifest says ${m.expected}`,
  );
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: o.scratchUrl, max: 2 }) }),
  }) as AnyDb;
  let audits: LogAuditResult[] = [];
  try {
    if (backup.manifest.schemas.includes('ledger')) {
      const repo = createLedgerRepository();
      const auditor = createLogAuditor({ db, repo, logVerifier: createNoteVerifier(o.logKey) });
      audits = await auditor.run();
      for (const a of audits) problems.push(...describeAudit(a));
      const restored = new Map(audits.map((a) => [a.origin, a]));
      for (const c of backup.manifest.checkpoints) {
        const row = await sql<{ n: number }>`
          select count(*)::int as n from ledger.checkpoints c join ledger.logs l on l.id = c.log_id
           where l.origin = ${c.origin} and c.tree_size = ${c.treeSize}
             and c.root = ${Buffer.from(c.root, 'base64')} and c.note = ${c.note}`.execute(db);
        if ((row.rows[0]?.n ?? 0) !== 1)
          problems.push(`${c.origin}: checkpoint ${c.treeSize} of the manifest is not in the backup`);
        if (!restored.has(c.origin)) problems.push(`${c.origin}: log missing from the backup`);
      }
    }
  } finally {
    await db.destroy();
  }
  return {
    ok: problems.length === 0,
    backup: backup.files.dump,
    createdAt: backup.manifest.createdAt,
    problems,
    audits,
    restore,
  };
}
