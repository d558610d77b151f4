/**
 * `auditor events backfill --org <id> --from <iso> --to <iso> [--json]`: back-fills a period of an
 * organisation's Box enterprise events from `admin_logs` (product.md F2.1), with a progress bar.
 * Resumable: the same command with the same range continues the unfinished back-fill (each page's
 * position commits with its events). While a server holds the embedded database, the server runs it
 * (admin socket) and this command follows its progress; otherwise it runs here, on the database.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { callAdminSocket } from '../../platform/admin-socket.ts';
import { BackfillBusyError, type BackfillProgress } from '../../services/event/backfill.ts';
import { backfillArgsSchema } from '../../services/event/backfill-admin.ts';
import { cliConfig, runningServerSocket } from '../local-runtime.ts';
import { withOfflineServices } from '../offline-services.ts';
import { fail, printJson } from '../output.ts';
import { registerEventsExport } from './events-export.ts';
import { registerEventsStatus } from './events-status.ts';

const POLL_MS = 500;

/** The progress bar on stderr (drawn only on a terminal), fed from BackfillProgress. */
function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      format: 'back-fill |{bar}| {percentage}% | {pages} pages | {stored} new of {seen} events | {status}',
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: BackfillProgress) {
      const payload = { pages: p.pages, stored: p.eventsStored, seen: p.eventsSeen, status: p.status };
      const value = Math.round(p.fraction * 1000);
      if (!started) {
        bar.start(1000, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Follows a back-fill someone else runs (the server, or another process) until it is no longer running. */
async function follow(
  read: () => Promise<BackfillProgress | undefined>,
  onProgress: (p: BackfillProgress) => void,
  signal: AbortSignal,
): Promise<BackfillProgress> {
  for (;;) {
    const p = await read();
    if (!p) throw new Error('the back-fill disappeared');
    onProgress(p);
    if (p.status !== 'running' || signal.aborted) return p;
    await sleep(POLL_MS);
  }
}

export function registerEvents(program: Command): void {
  const events = program.command('events').description('Box event collection and export');
  registerEventsExport(events);
  registerEventsStatus(events);
  events
    .command('backfill')
    .description(
      "back-fill a period of an organisation's Box events (admin_logs, up to a year back); the same range again resumes it",
    )
    .requiredOption('--org <id>', 'organisation id (UUID)')
    .requiredOption('--from <iso>', 'start, ISO 8601 with offset (e.g. 2025-01-01T00:00:00+09:00) or a date')
    .requiredOption('--to <iso>', 'end of the period, same format')
    .option('--json', 'print the final progress as JSON')
    .action(async (opts: { org: string; from: string; to: string; json?: boolean }) => {
      const parsed = backfillArgsSchema.safeParse({ orgId: opts.org, from: opts.from, to: opts.to });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where =
          issue?.path[0] === 'orgId' ? '--org must be an organisation id (a UUID)' : issue?.message;
        fail(where ?? 'invalid arguments', 2);
      }
      const { orgId, from, to } = parsed.data;
      const config = cliConfig();
      const bar = progressBar();
      // Ctrl-C stops after the page in progress; the same command continues later.
      const interrupt = new AbortController();
      const onSignal = () => interrupt.abort();
      process.once('SIGINT', onSignal);
      let final: BackfillProgress;
      const socket = runningServerSocket(config);
      try {
        if (socket) {
          const args = { orgId, from: from.toISOString(), to: to.toISOString() };
          const started = await callAdminSocket<BackfillProgress>(socket, 'events.backfill.start', args);
          final = await follow(
            () => callAdminSocket<BackfillProgress>(socket, 'events.backfill.progress', { id: started.id }),
            bar.update,
            interrupt.signal,
          );
        } else {
          final = await withOfflineServices(config, async (s) => {
            const backfills = s.event!.backfills;
            const row = await backfills.start(orgId, from, to);
            try {
              return await backfills.run(row.id, bar.update, interrupt.signal);
            } catch (err) {
              // Another process (a server on the same PostgreSQL) runs it: follow its progress.
              if (!(err instanceof BackfillBusyError)) throw err;
              return follow(() => backfills.progress(row.id), bar.update, interrupt.signal);
            }
          });
        }
      } catch (err) {
        bar.stop();
        fail((err as Error).message);
      } finally {
        process.off('SIGINT', onSignal);
      }
      bar.stop();
      if (opts.json) printJson(final);
      else {
        console.log(
          `back-fill ${final.id}: ${final.status}, ${final.pages} pages, ${final.eventsSeen} events read, ${final.eventsStored} new`,
        );
        if (final.status === 'running')
          console.log(
            socket
              ? 'no longer following: the server continues the back-fill in the background'
              : 'interrupted: run the same command again to continue where it stopped',
          );
      }
      if (final.status !== 'done') process.exitCode = 1;
    });
}
