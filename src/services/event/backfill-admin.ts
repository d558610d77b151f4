/**
 * `auditor events backfill` through a running server's admin socket (architecture.md §4: while a
 * server holds the embedded database, CLI commands go through it). The server starts (or resumes)
 * the back-fill in the background and answers at once; the CLI polls its progress.
 */
import { z } from 'zod';
import type { AdminCommandHandler } from '../../platform/admin-socket.ts';
import type { BackfillProgress } from './backfill.ts';
import type { EventService } from './event-module.ts';

/** ISO 8601 date-time with an offset (`Z` or `+09:00`), or a date (midnight UTC). */
export function parseInstant(text: string): Date | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)
      ? text
      : undefined;
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const instant = z.string().transform((s, ctx) => {
  const d = parseInstant(s);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: `${s} is not an ISO 8601 date-time with an offset` });
    return z.NEVER;
  }
  return d;
});

export const backfillArgsSchema = z
  .object({ orgId: z.string().uuid(), from: instant, to: instant })
  .refine((a) => a.from < a.to, { message: '--from must be before --to' });

export function eventAdminCommands(event: EventService): Record<string, AdminCommandHandler> {
  return {
    'events.backfill.start': async (args): Promise<BackfillProgress> => {
      const a = backfillArgsSchema.parse(args);
      return event.backfillInBackground(a.orgId, a.from, a.to);
    },
    'events.backfill.progress': async (args): Promise<BackfillProgress> => {
      const id = z.object({ id: z.string().uuid() }).parse(args).id;
      const p = await event.backfills.progress(id);
      if (!p) throw new Error(`no back-fill ${id}`);
      return p;
    },
  };
}
