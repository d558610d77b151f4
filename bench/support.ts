/**
 * Shared pieces of the benchmarks: the `--size` option, a throwaway PostgreSQL cluster (or
 * DATABASE_URL), the all-in-one product on it, percentiles, results JSON and Markdown tables.
 * Benchmarks print measured numbers only; each reports the machine and its load beside them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BoxSettings } from '../src/box/box-connector.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type RunningAllInOne, startAllInOne } from '../src/runtime/all-in-one.ts';
import { type PgCluster, psql, startPgCluster } from '../test/support/pg-cluster.ts';

export type Size = 'smoke' | 'default' | 'large';

export function sizeArg(argv = process.argv): Size {
  const i = argv.indexOf('--size');
  const v = i > 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--size='))?.slice(7);
  if (v === undefined) return 'default';
  if (v === 'smoke' || v === 'default' || v === 'large') return v;
  throw new Error(`--size must be smoke, default or large (not ${v})`);
}

export function numberArg(name: string, fallback: number, argv = process.argv): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

export const ROOT = new URL('..', import.meta.url).pathname;

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
  };
}

/** A database to write to: DATABASE_URL's, or a new one in a throwaway cluster. */
export async function benchDatabase(
  name: string,
  extraConf: string[] = [],
): Promise<{ url: string; cluster?: PgCluster; close(): void }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, close() {} };
  const cluster = await startPgCluster({
    extraConf: ['max_wal_size = 4GB', 'checkpoint_timeout = 30min', 'work_mem = 16MB', ...extraConf],
  });
  psql(cluster, 'postgres', `CREATE DATABASE ${name}`);
  return { url: cluster.url(name), cluster, close: () => cluster.stop() };
}

/** The all-in-one product on `databaseUrl` (migrated on start), background work off. */
export async function startBenchProduct(
  databaseUrl: string,
  box?: BoxSettings,
  env: Record<string, string> = {},
): Promise<RunningAllInOne> {
  const dataDir = mkdtempSync(join(tmpdir(), 'auditor-bench-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    AUDITOR_DATA_DIR: dataDir,
    AUDITOR_PUBLIC_URL: 'http://auditor.bench',
    AUDITOR_ARGON2_MEMORY_KIB: '64',
    AUDITOR_ARGON2_ITERATIONS: '1',
    AUDITOR_RATE_LIMIT_PER_MINUTE: '10000000',
    AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE: '10000000',
    AUDITOR_DB_POOL_MAX: '10',
    ...env,
  });
  return startAllInOne({
    config,
    startBackground: false,
    logDestination: { write: () => {} },
    ...(box ? { box: { settings: box } } : {}),
  });
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(cells[0]!),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

export function writeResults(name: string, result: unknown): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}
