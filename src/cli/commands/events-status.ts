/**
 * `auditor events status [--json] [--url] [--token]`: the organisation's Box event ingestion as the
 * operations overview shows it (`GET /api/v1/events/ingest-status`, audit admins): who ingests,
 * when it last polled and caught up, the lag, running back-fills, and events per day.
 */
import type { Command } from 'commander';
import type { IngestStatus } from '../../services/event/ingest-status.ts';
import { printJson, printTable } from '../output.ts';
import { type ServerApiOptions, serverGet, withServerOptions } from '../server-api.ts';

export function registerEventsStatus(events: Command): void {
  withServerOptions(events.command('status'))
    .description("the organisation's ingestion: leader, last poll, lag, back-fills, events per day")
    .option('--json', 'print the status as JSON')
    .action(async (o: ServerApiOptions & { json?: boolean }) => {
      const status = (await (await serverGet(o, '/api/v1/events/ingest-status')).json()) as IngestStatus;
      if (o.json) return printJson(status);
      const i = status.ingestion;
      printTable(
        [
          { field: 'leader', value: i.leader ?? '(none)' },
          { field: 'last poll', value: i.lastPollAt ?? '(never)' },
          { field: 'caught up at', value: i.caughtUpAt ?? '(not yet)' },
          { field: 'lag (s)', value: `${Math.round(i.lagSeconds)} (${i.lagReference})` },
          { field: 'events stored', value: i.eventsStored },
          { field: 'back-fills running', value: i.backfillsRunning },
          { field: 'last error', value: i.lastError ?? '' },
        ],
        ['field', 'value'],
      );
      console.log('');
      printTable(status.eventsPerDay.days, ['day', 'count']);
    });
}
