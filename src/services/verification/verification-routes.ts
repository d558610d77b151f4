/**
 * The file verification API (product.md §6 Verification, F6.4, F6.6):
 *
 *   POST /api/v1/files/:id/verifications        verify now (201, the result with its evidence)
 *   GET  /api/v1/files/:id/verifications        the file's history, newest first (paged)
 *   GET  /api/v1/verifications/:id              a file result, or a set run (`kind`)
 *   GET  /api/v1/verifications/:id/bundle       its evidence bundle (?format=json|html)
 *   GET  /api/v1/events/bundle                  an evidence bundle of an event search (same
 *                                               filters and scoping as GET /events, ≤ 10,000 events)
 *
 * Who may: a file's results whoever may see the file (audit service); set runs any collaborator
 * of the set and any audit admin (verification-access.ts).
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { buildPage, decodeCursor, pageSchema } from '../../platform/pagination.ts';
import type { Requester } from '../audit/audit-client.ts';
import type { BundleBuilder } from './bundle-builder.ts';
import type { EvidenceBundle } from './bundle-format.ts';
import { bundleHtml } from './bundle-html.ts';
import type { FileVerifier } from './file-verifier.ts';
import type { VerificationAccess } from './verification-access.ts';
import { toFileVerificationDto, toSetVerificationDto, toSummaryDto } from './verification-dto.ts';
import {
  anyVerificationSchema,
  bundleQuery,
  eventBundleQuery,
  fileParams,
  fileVerificationSchema,
  fileVerificationSummarySchema,
  idParams,
  pageQuery,
  verifyFileBody,
} from './verification-schemas.ts';
import type { VerificationStore } from './verification-store.ts';

const tags = ['verification'];
export const pageKey = z.object({ at: z.string().datetime(), id: z.string().uuid() });

export const requesterOf = (p: UserPrincipal): Requester => ({
  userId: p.userId,
  orgId: p.orgId,
  roles: p.roles,
});

export function sendBundle(
  reply: FastifyReply,
  bundle: EvidenceBundle,
  format: 'json' | 'html',
  name: string,
) {
  const stamp = bundle.createdAt.replace(/[:.]/g, '-');
  reply.header('cache-control', 'no-store');
  reply.header('content-disposition', `attachment; filename="evidence-${name}-${stamp}.${format}"`);
  if (format === 'html') return reply.type('text/html; charset=utf-8').send(bundleHtml(bundle));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(bundle, null, 1));
}

export function registerVerificationRoutes(
  app: App,
  d: {
    db: AnyDb;
    verifier: FileVerifier;
    store: VerificationStore;
    access: VerificationAccess;
    bundles: BundleBuilder;
    /** Event-search bundles count against the search rate limit (AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE). */
    searchRateLimit: number;
  },
): void {
  app.post(
    '/api/v1/files/:id/verifications',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Verify a file now: Box against the ledger (INTACT, CHANGED, TAMPERED, …) with evidence',
        params: fileParams,
        body: verifyFileBody,
        response: { 201: fileVerificationSchema },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const v = await d.verifier.verify({
        orgId: user.orgId,
        fileId: request.params.id,
        requester: requesterOf(user),
        setId: request.body?.setId ?? null,
        trigger: 'user',
      });
      return reply.status(201).send(toFileVerificationDto(v));
    },
  );

  app.get(
    '/api/v1/files/:id/verifications',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: "A file's verification history, newest first",
        params: fileParams,
        querystring: pageQuery,
        response: { 200: pageSchema(fileVerificationSummarySchema) },
      },
    },
    async (request) => {
      const user = userOf(request);
      await d.verifier.authorize(requesterOf(user), user.orgId, request.params.id);
      const keys = decodeCursor(request.query.cursor, pageKey);
      const page = {
        limit: request.query.limit,
        after: keys.after && { at: new Date(keys.after.at), id: keys.after.id },
        before: keys.before && { at: new Date(keys.before.at), id: keys.before.id },
      };
      const rows = await d.store.ofFile(d.db, user.orgId, request.params.id, page);
      if (page.before) rows.reverse();
      return buildPage(
        rows,
        { limit: page.limit, after: keys.after, before: keys.before },
        (v) => ({ at: v.startedAt.toISOString(), id: v.id }),
        toSummaryDto,
      );
    },
  );

  app.get(
    '/api/v1/verifications/:id',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'A verification: a file result with its evidence, or a set verification with its progress',
        params: idParams,
        response: { 200: anyVerificationSchema },
      },
    },
    async (request) => {
      const user = requesterOf(userOf(request));
      const found = await d.access.any(user, request.params.id);
      if ('file' in found) return toFileVerificationDto(found.file);
      return toSetVerificationDto(found.run, await d.store.tamperedOfRun(d.db, found.run.id, 1000));
    },
  );

  app.get(
    '/api/v1/verifications/:id/bundle',
    {
      config: { auth: SIGNED_IN, stream: true },
      schema: {
        tags,
        summary: 'Evidence bundle of a file or set verification, checkable offline (auditor verify-bundle)',
        description:
          'format=json: the bundle (auditor-for-box/evidence-bundle/v1). format=html: one self-contained page that shows the report and verifies the embedded bundle in the browser with WebCrypto.',
        params: idParams,
        querystring: bundleQuery,
      },
    },
    async (request, reply) => {
      const user = requesterOf(userOf(request));
      const found = await d.access.any(user, request.params.id);
      const bundle =
        'file' in found ? await d.bundles.forFile(found.file) : await d.bundles.forSetRun(found.run);
      return sendBundle(reply, bundle, request.query.format, request.params.id.slice(0, 8));
    },
  );

  app.get(
    '/api/v1/events/bundle',
    {
      config: { auth: SIGNED_IN, rateLimit: { max: d.searchRateLimit, timeWindow: 60_000 } },
      schema: {
        tags: ['events', ...tags],
        summary:
          'Evidence bundle of an event search (the filters and scope of GET /events; at most 10,000 events)',
        querystring: eventBundleQuery,
      },
    },
    async (request, reply) => {
      const user = requesterOf(userOf(request));
      const { format, ...filters } = request.query;
      const bundle = await d.bundles.forEvents(user, filters);
      return sendBundle(reply, bundle, format, 'events');
    },
  );
}
