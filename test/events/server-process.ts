/**
 * `auditor serve` in a child process (the real CLI entry, `bin/auditor.mjs`) against a cloned
 * PostgreSQL database and the local Box running in the test process, for the kill -9 and leader
 * tests. Output is kept (the last lines) to explain a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RunningBoxEmulator } from '../../box-emulator/index.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  output: string[];
  /** Resolves with the signal or exit code once the process has gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServeOptions {
  /** PostgreSQL; without it the embedded database under the data directory. */
  databaseUrl?: string;
  /** The local Box to point at; without it Box settings come from `env` (or `--demo`). */
  box?: RunningBoxEmulator;
  args?: string[];
  dataDir?: string;
  /** The CCG app to use (default: the first). */
  ccg?: { clientId: string; clientSecret: string };
  env?: Record<string, string>;
  /** Resolve only once the server listens (default) or right after spawning. */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

/** Environment of a test server: test-sized intervals, the local Box, no inherited crash settings. */
export function serverEnv(o: ServeOptions, dataDir: string): NodeJS.ProcessEnv {
  const ccg = o.ccg ?? o.box?.emulator.apps.find((a) => a.kind === 'ccg');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AUDITOR_') && !k.startsWith('BOX_')),
  );
  return {
    ...inherited,
    NODE_ENV: 'test',
    TZ: 'UTC',
    NO_PROXY: '127.0.0.1,localhost',
    LOG_LEVEL: 'info',
    PORT: '0',
    AUDITOR_DATA_DIR: dataDir,
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    // Demo mode signs its admin in with a loopback redirect URI, derived from the listening address.
    ...(o.args?.includes('--demo') ? {} : { AUDITOR_PUBLIC_URL: 'http://auditor.test' }),
    AUDITOR_ARGON2_MEMORY_KIB: '64',
    AUDITOR_ARGON2_ITERATIONS: '1',
    AUDITOR_SHUTDOWN_GRACE_MS: '1s',
    AUDITOR_INGEST_POLL_INTERVAL: '100ms',
    AUDITOR_INGEST_LEASE_TTL: '1s',
    AUDITOR_OUTBOX_POLL_INTERVAL: '50ms',
    AUDITOR_OUTBOX_LEASE_TTL: '1s',
    AUDITOR_OUTBOX_MAX_BACKOFF: '1s',
    ...(o.box && ccg
      ? {
          BOX_API_BASE_URL: o.box.baseUrls.baseUrl,
          BOX_UPLOAD_BASE_URL: o.box.baseUrls.uploadUrl,
          BOX_OAUTH2_BASE_URL: o.box.baseUrls.oauth2Url,
          BOX_CCG_CLIENT_ID: ccg.clientId,
          BOX_CCG_CLIENT_SECRET: ccg.clientSecret,
        }
      : {}),
    BOX_MAX_RETRY_WAIT: '10s',
    ...o.env,
  };
}

export async function startServer(o: ServeOptions): Promise<ServerProcess> {
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'auditor-serve-'));
  const child = spawn(process.execPath, ['bin/auditor.mjs', 'serve', ...(o.args ?? [])], {
    cwd: ROOT,
    env: serverEnv(o, dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let url = '';
  let ready: () => void = () => {};
  const readyPromise = new Promise<void>((r) => {
    ready = r;
  });
  const onLine = (line: string) => {
    output.push(line);
    if (output.length > 400) output.splice(0, output.length - 400);
    if (!url && line.includes('"server listening"')) {
      try {
        url = (JSON.parse(line) as { url: string }).url;
      } catch {
        url = 'unknown';
      }
      ready();
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const server: ServerProcess = {
    child,
    pid: child.pid!,
    get url() {
      return url;
    },
    output,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  if (o.waitReady !== false) {
    const timeout = o.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      readyPromise.then(() => 'ready' as const),
      exited.then(() => 'exited' as const),
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), timeout);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'ready') {
      await server.kill();
      throw new Error(`server did not start (${outcome}):\n${output.slice(-40).join('\n')}`);
    }
  }
  return server;
}

/** A plain client on the test database, for the test's own reads and set-up. */
export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Polls until `check` holds (real time). */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  o: { timeoutMs?: number; intervalMs?: number; explain?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${o.explain ? `\n${o.explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 50));
  }
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `auditor <args>` (bin/auditor.mjs); `onStart` gets the child (to signal it, say). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  onStart?: (child: ChildProcess) => void,
  timeoutMs = 120_000,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/auditor.mjs', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    onStart?.(child);
  });
}

/** The JSON document a `--json` command printed (log lines, if any, are not part of it). */
export function jsonOutput<T>(run: CliRun): T {
  const start = run.stdout.search(/^\{$/m);
  if (start < 0) throw new Error(`no JSON in the output (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.slice(start)) as T;
}
