/**
 * A real Prometheus (Debian's /usr/bin/prometheus) for tests: optional history backfilled with
 * `promtool tsdb create-blocks-from openmetrics`, a minimal configuration with optional scrape jobs
 * and rule files, on a free loopback port; stopped (and its directory removed) by `stop()`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../support/pg-cluster.ts';

export interface RunningPrometheus {
  url: string;
  dir: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface SeriesPoint {
  t: number;
  v: number;
}

/** OpenMetrics text for gauges/counters: `series` maps a series selector text (`name{a="b"}`) to points. */
export function openMetrics(
  families: {
    name: string;
    type: 'gauge' | 'counter' | 'unknown';
    series: { labels: Record<string, string>; points: SeriesPoint[] }[];
  }[],
): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    // OpenMetrics counters' samples carry the _total suffix in the family's name already here.
    for (const s of f.series) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (const p of s.points) lines.push(`${f.name}${labels ? `{${labels}}` : ''} ${p.v} ${p.t}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

export async function startPrometheus(o: {
  history?: string;
  scrapeConfigs?: unknown[];
  ruleFiles?: Record<string, string>;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Alertmanager addresses (host:port) to send alerts to. */
  alertmanagers?: string[];
}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'auditor-prom-'));
  const data = join(dir, 'data');
  if (o.history) {
    const file = join(dir, 'history.om');
    writeFileSync(file, o.history);
    const res = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, data], {
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`promtool create-blocks-from failed: ${res.stderr || res.stdout}`);
  }
  const rules = Object.entries(o.ruleFiles ?? {}).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      global: {
        scrape_interval: o.scrapeInterval ?? '1s',
        evaluation_interval: o.evaluationInterval ?? '1s',
      },
      rule_files: rules,
      scrape_configs: o.scrapeConfigs ?? [],
      ...(o.alertmanagers
        ? { alerting: { alertmanagers: [{ static_configs: [{ targets: o.alertmanagers }] }] } }
        : {}),
    }),
  );
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      '--storage.tsdb.retention.time=400d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  return await supervise(child, url, dir, () => output);
}

/** Debian's Alertmanager (prometheus-alertmanager) with the given configuration, clustering off. */
export async function startAlertmanager(
  config: unknown,
  files: Record<string, string> = {},
): Promise<RunningPrometheus & { address: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'auditor-am-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, typeof config === 'string' ? config : stringify(config));
  const port = await freePort();
  let output = '';
  const child = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${file}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const running = await supervise(child, `http://127.0.0.1:${port}`, dir, () => output);
  return { ...running, address: `127.0.0.1:${port}` };
}

async function supervise(
  child: ChildProcess,
  url: string,
  dir: string,
  output: () => string,
): Promise<RunningPrometheus> {
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${url} exited: ${output()}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${url} did not become ready: ${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, dir, logs: output, stop };
}

/** Instant query helper for assertions. */
export async function promQuery(
  url: string,
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

/** Polls `check` until it returns a value or the time runs out. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  stepMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
