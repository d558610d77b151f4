/**
 * A throwaway PostgreSQL cluster for one test run, started from the installed server binaries.
 *
 * initdb and pg_ctl refuse to run as root, so when we are root the cluster directory is owned by the
 * `postgres` user and the binaries run through `runuser`. If the binaries exist but the server does not
 * start, we throw: a silent fallback would hide a broken CI tier.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN_DIR = process.env.AUDITOR_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  dir: string;
  port: number;
  host: string;
  /** URL of the `postgres` superuser on the given database. */
  url(database: string): string;
  stop(): void;
}

export function pgBinariesAvailable(): boolean {
  return existsSync(join(PG_BIN_DIR, 'initdb')) && existsSync(join(PG_BIN_DIR, 'pg_ctl'));
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function postgresUid(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const out = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gidOut = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (out.status !== 0)
    throw new Error('running as root but there is no `postgres` user to own the test cluster');
  return { uid: Number(out.stdout.trim()), gid: Number(gidOut.stdout.trim()) };
}

/** Runs a PostgreSQL binary, as `postgres` when we are root. */
export function runPgBinary(binary: string, args: string[], options: { allowFail?: boolean } = {}): string {
  const owner = postgresUid();
  const file = join(PG_BIN_DIR, binary);
  const [cmd, cmdArgs] = owner ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  const res = spawnSync(cmd, cmdArgs, { encoding: 'utf8', cwd: tmpdir() });
  if (res.status !== 0 && !options.allowFail) {
    throw new Error(`${binary} ${args.join(' ')} failed (${res.status}): ${res.stderr || res.stdout}`);
  }
  return res.stdout;
}

export interface StartClusterOptions {
  /** Extra `postgresql.conf` lines, e.g. for replication. */
  extraConf?: string[];
  /** Directory to use instead of a new temporary one (must not exist yet or be empty). */
  dir?: string;
  port?: number;
}

export async function startPgCluster(options: StartClusterOptions = {}): Promise<PgCluster> {
  if (!pgBinariesAvailable()) throw new Error(`PostgreSQL binaries not found in ${PG_BIN_DIR}`);
  const owner = postgresUid();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'auditor-pg-'));
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir, { recursive: true });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(socketDir, owner.uid, owner.gid);
  }
  runPgBinary('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = options.port ?? (await freePort());
  const conf = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${socketDir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 300',
    'shared_buffers = 128MB',
    "timezone = 'UTC'",
    ...(options.extraConf ?? []),
  ];
  const confFile = join(dataDir, 'postgresql.auto.conf');
  writeFileSync(confFile, `${conf.join('\n')}\n`);
  if (owner) chownSync(confFile, owner.uid, owner.gid);
  runPgBinary('pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const cluster: PgCluster = {
    dir,
    port,
    host: '127.0.0.1',
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop() {
      runPgBinary('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { allowFail: true });
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** psql one-liner as the superuser, used by the harness before any pool exists. */
export function psql(cluster: Pick<PgCluster, 'port'>, database: string, sql: string): string {
  return execFileSync(
    join(PG_BIN_DIR, 'psql'),
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(cluster.port),
      '-U',
      'postgres',
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-Atc',
      sql,
    ],
    { encoding: 'utf8' },
  );
}
