/**
 * A `.cpuprofile` (node --cpu-prof) summed up: self time per function (name, file:line), the
 * heaviest first, as a share of all samples, plus garbage collection, idle and program time.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT, round } from '../support.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** A package, a directory of src/, a Node.js module, or the engine's own entries (GC, native). */
function areaOf(f: ProfileNode['callFrame']): string {
  const u = f.url;
  if (!u) return f.functionName.startsWith('(') ? f.functionName : `native ${f.functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (pkg) return pkg[1]!;
  const src = /\/src\/([^/]+(?:\/[^/]+)?)\//.exec(u);
  if (src) return `src/${src[1]}`;
  return u.startsWith('node:') ? 'node internals' : u;
}

export function summariseProfile(path: string, top = 20): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    total += dt;
    if (f.functionName === '(idle)') idle += dt;
    const where = f.url ? `${relative(ROOT, f.url.replace('file://', ''))}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    const a = areaOf(f);
    areas.set(a, (areas.get(a) ?? 0) + dt);
  });
  const busy = total - idle;
  const lines = [
    `profile: ${round(total / 1e6, 1)} s sampled, ${round((idle / total) * 100, 1)} % idle; self time as a share of busy time:`,
  ];
  const share = (us: number) => `${round((us / busy) * 100, 1).toFixed(1)} %`;
  lines.push(
    `by area: ${[...areas]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 14)
      .map(([k, us]) => `${k} ${share(us)}`)
      .join(', ')}`,
    'by function:',
  );
  for (const [key, us] of [...self]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    lines.push(
      `${round((us / busy) * 100, 1)
        .toFixed(1)
        .padStart(5)} %  ${key}`,
    );
  return lines.join('\n');
}
