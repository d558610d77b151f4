/**
 * `npm run bench`: every benchmark, one after the other (never in parallel: they would measure each
 * other), each writing bench/results/<name>.json; prints their Markdown tables. Not part of `npm test`.
 *
 *   node --import tsx bench/run.ts [--size smoke|default|large] [--only ingest,search,verify,proofs,api]
 *
 * `default` finishes in minutes; `large` (10 M events for search) is opt-in and checks free disk.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runApiBench } from './api/api.ts';
import { runIngestBench } from './ingest/ingest.ts';
import { runSearchBench } from './search/search.ts';
import { machine, ROOT, type Size, sizeArg, writeResults } from './support.ts';
import { runProofBench } from './verify/proofs.ts';
import { runVerifyBench } from './verify/verify.ts';

interface Bench {
  name: string;
  title: string;
  run(size: Size): Promise<{ result: unknown; markdown: string }>;
}

/** Benchmarks that live as their own scripts (other services'), run as child processes. */
function script(name: string, title: string, file: string, args: Record<Size, string[]>): Bench {
  return {
    name,
    title,
    async run(size) {
      const res = spawnSync(process.execPath, ['--import', 'tsx', file, ...args[size]], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (res.status !== 0) throw new Error(`${file} failed (${res.status})`);
      return { result: { script: file, size, output: res.stdout }, markdown: res.stdout.trim() };
    },
  };
}

const BENCHES: Bench[] = [
  { name: 'ingest', title: 'Ingest (P1)', run: (size) => runIngestBench(size, []) },
  { name: 'search', title: 'Search (P3)', run: (size) => runSearchBench(size, []) },
  { name: 'verify', title: 'Verify a file and a set (P4, P5)', run: (size) => runVerifyBench(size, []) },
  { name: 'proofs', title: 'Proofs at 10 M leaves (P6)', run: (size) => runProofBench(size, []) },
  {
    name: 'api',
    title: 'API reads through the gateway, memory (P2, P8)',
    run: (size) => runApiBench(size, []),
  },
  ...(existsSync(join(ROOT, 'bench', 'ledger-append.ts'))
    ? [
        script('ledger-append', 'Ledger append (P1, ledger share)', 'bench/ledger-append.ts', {
          smoke: ['--leaves', '10000'],
          default: ['--leaves', '100000'],
          large: ['--leaves', '1000000'],
        }),
      ]
    : []),
];

const size = sizeArg();
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? new Set(process.argv[onlyIndex + 1]!.split(',')) : undefined;
const m = machine();
console.log(
  `# Benchmarks, size ${size}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.node}, load ${m.loadAverage1m}`,
);
let failed = 0;
for (const b of BENCHES) {
  if (only && !only.has(b.name)) continue;
  console.log(`\n## ${b.title}\n`);
  try {
    const { result, markdown } = await b.run(size);
    if (!('script' in (result as object))) writeResults(b.name, result);
    console.log(markdown);
  } catch (err) {
    failed++;
    console.error(`${b.name} failed: ${(err as Error).stack ?? err}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
