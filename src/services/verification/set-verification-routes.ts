/**
 * The set verification API (product.md §6 Audit sets, F6.5):
 *
 *   POST /api/v1/audit-sets/:id/verifications                          start (202, the run)
 *   GET  /api/v1/audit-sets/:id/verifications                          the set's runs, newest first
 *   GET  /api/v1/audit-sets/:id/verifications/:verificationId          a run: progress and summary
 *   GET  /api/v1/audit-sets/:id/verifications/:verificationId/files    its per-file results (paged;
 *                                                                      ?result= one outcome)
 *   GET  /api/v1/audit-sets/:id/verifications/:verificationId/progress server-sent events
 *
 * Progress is kept in the database, so polling and the event stream work on any replica. The stream
 * sends `progress` ({id, status, total, done, counts}) whenever it changes, `file` for each file
 * result ({verificationId, fileId, fileName, result, reasons}), and `done` with the final run, then
 * ends. Any collaborator of the set and any audit admin may start and read runs (the audit service
 * decides, with `setItems`).
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AnyDb } from '../../platform/db/database.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { buildPage, decodeCursor, encodeCursor, pageSchema } from '../../platform/pagination.ts';
import type { SetVerifier } from './set-verifier.ts';
import type { VerificationAccess } from './verification-access.ts';
import { toSetVerificationDto, toSummaryDto } from './verification-dto.ts';
import { pageKey, requesterOf } from './verification-routes.ts';
import {
  fileVerificationSummarySchema,
  pageQuery,
  runFilesQuery,
  runParams,
  setParams,
  setVerificationSchema,
  setVerificationSummarySchema,
} from './verification-schemas.ts';
import type { VerificationStore } from './verification-store.ts';

const tags = ['verification', 'audit-sets'];
const POLL_MS = 300;
const seqKey = z.object({ seq: z.number().int().min(0) });

export function registerSetVerificationRoutes(
  app: App,
  d: {
    db: AnyDb;
    sets: SetVerifier;
    store: VerificationStore;
    access: VerificationAccess;
    concurrency: number;
  },
): void {
  app.post(
    '/api/v1/audit-sets/:id/verifications',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary:
          'Verify every allowed file of an audit set (runs in the background; poll or stream progress)',
        params: setParams,
        response: { 202: setVerificationSchema },
      },
    },
    async (request, reply) => {
      const user = requesterOf(userOf(request));
      const run = await d.sets.start({
        orgId: user.orgId,
        setId: request.params.id,
        requester: user,
        trigger: 'user',
        concurrency: d.concurrency,
      });
      return reply.status(202).send(toSetVerificationDto(run, []));
    },
  );

  app.get(
    '/api/v1/audit-sets/:id/verifications',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: "An audit set's verification runs, newest first",
        params: setParams,
        querystring: pageQuery,
        response: { 200: pageSchema(setVerificationSummarySchema) },
      },
    },
    async (request) => {
      const user = requesterOf(userOf(request));
      // Any collaborator may see the history: the audit service says whether this user may.
      await d.sets.authorize(user, request.params.id);
      const keys = decodeCursor(request.query.cursor, pageKey);
      const page = {
        limit: request.query.limit,
        after: keys.after && { at: new Date(keys.after.at), id: keys.after.id },
        before: keys.before && { at: new Date(keys.before.at), id: keys.before.id },
      };
      const rows = await d.store.runsOfSet(d.db, user.orgId, request.params.id, page);
      if (page.before) rows.reverse();
      return buildPage(
        rows,
        { limit: page.limit, after: keys.after, before: keys.before },
        (r) => ({ at: r.startedAt.toISOString(), id: r.id }),
        (r) => {
          const { tampered: _t, ...summary } = toSetVerificationDto(r, []);
          return summary;
        },
      );
    },
  );

  app.get(
    '/api/v1/audit-sets/:id/verifications/:verificationId',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'A set verification: progress, counts per outcome and the TAMPERED files',
        params: runParams,
        response: { 200: setVerificationSchema },
      },
    },
    async (request) => {
      const user = requesterOf(userOf(request));
      const run = await d.access.setRun(user, request.params.verificationId, request.params.id);
      return toSetVerificationDto(run, await d.store.tamperedOfRun(d.db, run.id, 1000));
    },
  );

  app.get(
    '/api/v1/audit-sets/:id/verifications/:verificationId/files',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'The per-file results of a set verification, in the order they finished',
        params: runParams,
        querystring: runFilesQuery,
        response: { 200: pageSchema(fileVerificationSummarySchema) },
      },
    },
    async (request) => {
      const user = requesterOf(userOf(request));
      const run = await d.access.setRun(user, request.params.verificationId, request.params.id);
      // Forward only, in the order the files finished.
      const after = decodeCursor(request.query.cursor, seqKey).after?.seq ?? 0;
      const rows = await d.store.ofRun(d.db, run.id, after, request.query.limit + 1, request.query.result);
      const visible = rows.slice(0, request.query.limit);
      const last = visible[visible.length - 1];
      return {
        items: visible.map(toSummaryDto),
        nextCursor:
          rows.length > request.query.limit && last ? encodeCursor('after', { seq: last.seq }) : null,
        prevCursor: null,
      };
    },
  );

  app.get(
    '/api/v1/audit-sets/:id/verifications/:verificationId/progress',
    {
      config: { auth: SIGNED_IN, stream: true },
      schema: {
        tags,
        summary: 'Progress of a set verification as server-sent events (progress, file, done)',
        description:
          'text/event-stream. `progress`: {id, status, total, done, counts} when it changes; `file`: {verificationId, fileId, fileName, result, reasons} per finished file; `done`: the final run; then the stream ends.',
        params: runParams,
      },
    },
    async (request, reply) => {
      const user = requesterOf(userOf(request));
      const first = await d.access.setRun(user, request.params.verificationId, request.params.id);
      // The client went away: the response closed before it finished (the request's own 'close'
      // fires as soon as its body has been read).
      let closed = false;
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) closed = true;
      });
      const { db, store } = d;
      async function* events(): AsyncGenerator<string> {
        let lastSeq = 0;
        let lastProgress = '';
        let run = first;
        for (;;) {
          for (;;) {
            const files = await store.ofRun(db, run.id, lastSeq, 500);
            for (const v of files) {
              lastSeq = v.seq;
              yield sse('file', {
                verificationId: v.id,
                fileId: v.fileId,
                fileName: v.fileName,
                result: v.result,
                reasons: v.reasons,
              });
            }
            if (files.length < 500) break;
          }
          const progress = JSON.stringify({
            id: run.id,
            status: run.status,
            total: run.total,
            done: run.done,
            counts: run.counts,
          });
          if (progress !== lastProgress) {
            lastProgress = progress;
            yield `event: progress\ndata: ${progress}\n\n`;
          }
          if (run.status !== 'RUNNING') {
            yield sse('done', toSetVerificationDto(run, await store.tamperedOfRun(db, run.id, 1000)));
            return;
          }
          if (closed) return;
          await new Promise((r) => setTimeout(r, POLL_MS));
          run = (await store.getRun(db, run.id)) ?? run;
        }
      }
      reply.header('cache-control', 'no-store');
      reply.header('x-accel-buffering', 'no');
      return reply.type('text/event-stream; charset=utf-8').send(Readable.from(events()));
    },
  );
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
