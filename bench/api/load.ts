/**
 * Pieces of the API benchmark: a JSON-line child process, its RSS (`/proc/<pid>/status` VmRSS)
 * sampled while load runs, its CPU time (`/proc/<pid>/stat`), and an autocannon run reduced to the
 * figures the tables show.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon, { type Request } from 'autocannon';
import { percentile, ROOT, round } from '../support.ts';

export interface Child<T> {
  info: T & { pid: number };
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <file> ...args` and waits for the one JSON line it prints. */
export async function startChild<T>(
  file: string,
  args: string[],
  nodeArgs: string[] = [],
): Promise<Child<T>> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const info = await new Promise<T & { pid: number }>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const line = out.split('\n')[0]!;
      if (out.includes('\n')) {
        try {
          resolve(JSON.parse(line));
        } catch (err) {
          reject(err);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}): ${out}`)));
  });
  return {
    info,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** User + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

export interface RssStats {
  maxMiB: number;
  p50MiB: number;
  samples: number;
  atRestMiB?: number;
}

/** Samples the RSS of `pids` every `everyMs` until stopped; max and P50 per pid, in MiB. */
export function sampleRss(pids: Record<string, number>, everyMs = 250): { stop(): Record<string, RssStats> } {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(pids).map((k) => [k, []]));
  const take = () => {
    for (const [name, pid] of Object.entries(pids)) samples[name]!.push(rssMiB(pid));
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return Object.fromEntries(
        Object.entries(samples).map(([name, xs]) => {
          const sorted = [...xs].sort((a, b) => a - b);
          return [
            name,
            {
              maxMiB: round(sorted.at(-1)!, 1),
              p50MiB: round(percentile(sorted, 50), 1),
              samples: xs.length,
            },
          ];
        }),
      );
    },
  };
}

export interface LoadResult {
  /** 2xx responses per second over the run. */
  rps: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  seconds: number;
  /** CPU seconds per 1,000 requests of the measured process, and of this (load-generating) process. */
  serverCpuMsPerRequest: number;
  loadGeneratorCpuMsPerRequest: number;
}

/**
 * One autocannon run: closed loop with `connections` (no `rate`), or a fixed overall `rate`
 * (autocannon then corrects latencies for coordinated omission: a request is timed from when it was
 * due, not from when a free connection sent it).
 */
export async function load(o: {
  url: string;
  connections: number;
  seconds: number;
  rate?: number;
  headers?: Record<string, string>;
  requests: Request[];
  serverPid: number;
}): Promise<LoadResult> {
  const cpu0 = cpuSeconds(o.serverPid);
  const self0 = process.cpuUsage();
  const r = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 10,
    ...(o.rate ? { overallRate: o.rate } : {}),
    ...(o.headers ? { headers: o.headers } : {}),
    requests: o.requests,
  });
  const self = process.cpuUsage(self0);
  const cpu = cpuSeconds(o.serverPid) - cpu0;
  const total = r['2xx'] + r.non2xx;
  return {
    rps: round(r['2xx'] / r.duration, 0),
    requests: total,
    p50: round(r.latency.p50, 2),
    p90: round(r.latency.p90, 2),
    p99: round(r.latency.p99, 2),
    max: round(r.latency.max, 2),
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    seconds: r.duration,
    serverCpuMsPerRequest: round((cpu * 1000) / Math.max(1, total), 3),
    loadGeneratorCpuMsPerRequest: round((self.user + self.system) / 1000 / Math.max(1, total), 3),
  };
}
