/**
 * Running the `auditor` command as a child process, the way operators do: one-shot commands with
 * their output, and servers whose JSON log lines we read (the listening URL, crash-point messages)
 * and whose readiness we poll over HTTP with a deadline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'bin/auditor.mjs');

/** A clean environment for a child: no AUDITOR_* of ours leak in except the test ones given. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AUDITOR_') || k === 'DATABASE_URL' || k === 'PORT' || k.startsWith('NODE_TEST'))
      continue;
    env[k] = v;
  }
  return {
    ...env,
    NODE_ENV: 'test',
    TZ: 'UTC',
    LOG_LEVEL: 'info',
    AUDITOR_ARGON2_MEMORY_KIB: '64',
    AUDITOR_ARGON2_ITERATIONS: '1',
    ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `auditor <args>` to completion (killed after `timeoutMs`). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written so far. */
  output(): string;
  /** Parsed JSON log lines so far. */
  logLines(): Record<string, unknown>[];
  /** Resolves with the URL from the `server listening` log line, or rejects when the process exits first. */
  listening(timeoutMs?: number): Promise<string>;
  /** Resolves once the output matches `pattern`, or rejects when the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startServer(args: string[], env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (c: Buffer) => {
    out += c.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  const logLines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  const server: ServerProcess = {
    child,
    output: () => out,
    logLines,
    exited,
    async listening(timeoutMs = 30_000) {
      await server.waitForOutput(/"msg":"server listening"/, timeoutMs);
      const line = logLines().find((l) => l.msg === 'server listening' && typeof l.url === 'string');
      return line!.url as string;
    },
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            cleanup();
            resolve();
          } else if (done) {
            cleanup();
            reject(new Error(`the server exited before printing ${pattern}:\n${out.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out.slice(-3000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  return server;
}

/** Polls `url` until it answers 200 or the deadline passes (a child process has no injectable clock). */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return res;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/**
 * CPU time (user + system, seconds) a live process has used, from /proc. On a machine shared with
 * other work, wall-clock start-up time says more about the neighbours than about us; CPU time does not.
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of the file (utime, stime) are 12 and 13 after the command name, in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
