/**
 * `auditor events export --format csv|json [--from --to --actor --type --item --folder --audit-set
 * --order] [--output FILE] [--url URL] [--token TOKEN]`: an event search exported through the
 * server's `GET /api/v1/events/export` (product.md F3.3, F8), streamed to a file or stdout.
 *
 * It goes through the API on purpose: the export is what the token's user may search (GU/EA scoping
 * and audit-set filters live in the services), it works the same against the all-in-one server,
 * the gateway of a distributed installation, and while the server holds the embedded database, and
 * the server streams, so there is no size limit here either (URL and token: ../server-api.ts).
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { fail } from '../output.ts';
import { type ServerApiOptions, serverGet, withServerOptions } from '../server-api.ts';

interface ExportOptions extends ServerApiOptions {
  format: string;
  from?: string;
  to?: string;
  actor?: string;
  type?: string;
  item?: string;
  folder?: string;
  auditSet?: string;
  order?: string;
  output?: string;
}

/** The export path for these options (only the filters given are sent; the server validates them). */
export function exportPath(o: ExportOptions): string {
  const query = new URLSearchParams();
  const params: [string, string | undefined][] = [
    ['format', o.format],
    ['from', o.from],
    ['to', o.to],
    ['actor', o.actor],
    ['type', o.type],
    ['item', o.item],
    ['folder', o.folder],
    ['auditSet', o.auditSet],
    ['order', o.order],
  ];
  for (const [k, v] of params) if (v !== undefined) query.set(k, v);
  return `/api/v1/events/export?${query}`;
}

/** Counts bytes on their way through, for the progress line on stderr. */
function byteCounter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      onBytes(total);
      done(null, chunk);
    },
  });
}

export function registerEventsExport(events: Command): void {
  withServerOptions(events.command('export'))
    .description('export an event search as CSV or JSON through the server (streamed, no size limit)')
    .requiredOption('--format <csv|json>', 'csv for spreadsheets, json with the raw events')
    .option('--from <iso>', 'start, ISO 8601 with offset (default: 15 days ago)')
    .option('--to <iso>', 'end, ISO 8601 with offset (default: now)')
    .option('--actor <ids>', 'Box user ids, comma-separated')
    .option('--type <types>', 'event types, comma-separated')
    .option('--item <ids>', 'Box item ids, comma-separated')
    .option('--folder <id>', 'a Box folder: events of its items and descendants')
    .option('--audit-set <id>', 'an audit set: events of its allowed items')
    .option('--order <asc|desc>', 'newest (desc, default) or oldest first')
    .option('--output <file>', 'write to this file (default: stdout)')
    .action(async (o: ExportOptions) => {
      if (o.format !== 'csv' && o.format !== 'json') fail('--format must be csv or json', 2);
      const res = await serverGet(o, exportPath(o));
      const source = Readable.fromWeb(res.body! as WebReadableStream<Uint8Array>);
      const progress = byteCounter((n) => {
        if (process.stderr.isTTY) process.stderr.write(`\rexported ${(n / 1_048_576).toFixed(1)} MiB`);
      });
      // A file appears only complete: written beside, renamed when the stream ended well.
      const partial = o.output ? `${o.output}.partial` : undefined;
      try {
        await pipeline(source, progress, partial ? createWriteStream(partial) : process.stdout);
        if (partial && o.output) renameSync(partial, o.output);
      } catch (err) {
        if (partial) rmSync(partial, { force: true });
        fail(`the export stopped: ${(err as Error).message}`);
      }
      if (process.stderr.isTTY) process.stderr.write('\n');
    });
}
