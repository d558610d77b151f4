/** The audit service's service-to-service routes (the HTTP side of audit-client.ts). */
import { z } from 'zod';
import { SERVICE_ONLY } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { AuditClient } from './audit-client.ts';

const requester = z.object({
  userId: z.string().uuid(),
  orgId: z.string().uuid(),
  roles: z.array(z.enum(['AUDIT_ADMIN', 'GENERAL_USER', 'EXTERNAL_AUDITOR'])),
});
const boxId = z.string().max(40);

export function registerAuditInternalRoutes(app: App, client: AuditClient): void {
  const config = { auth: SERVICE_ONLY };
  app.post(
    '/internal/audit/access',
    {
      config,
      schema: {
        hide: true,
        body: z.object({
          user: requester,
          item: z.object({
            itemId: boxId,
            itemType: z.enum(['file', 'folder']),
            ancestorIds: z.array(boxId).max(500),
          }),
          setId: z.string().uuid().nullable(),
        }),
      },
    },
    async (request) =>
      client.access(
        request.body.user,
        request.body.item,
        request.body.setId ? { setId: request.body.setId } : undefined,
      ),
  );
  app.post(
    '/internal/audit/search-scope',
    {
      config,
      schema: { hide: true, body: z.object({ user: requester, setId: z.string().uuid().nullable() }) },
    },
    async (request) =>
      client.searchScope(request.body.user, request.body.setId ? { setId: request.body.setId } : undefined),
  );
  app.post(
    '/internal/audit/access-log',
    {
      config,
      schema: {
        hide: true,
        body: z.object({
          orgId: z.string().uuid(),
          userId: z.string().uuid(),
          itemId: boxId,
          itemType: z.enum(['file', 'folder']),
          setId: z.string().uuid().nullable(),
          action: z.enum(['VIEW', 'PREVIEW', 'DOWNLOAD']),
        }),
      },
    },
    async (request, reply) => {
      await client.logAccess(request.body);
      return reply.status(204).send();
    },
  );
  app.post(
    '/internal/audit/sets-monitoring',
    {
      config,
      schema: {
        hide: true,
        body: z.object({ orgId: z.string().uuid(), fileId: boxId, ancestorIds: z.array(boxId).max(500) }),
      },
    },
    async (request) => ({
      items: await client.setsMonitoring(request.body.orgId, request.body.fileId, request.body.ancestorIds),
    }),
  );
  app.post(
    '/internal/audit/set-items',
    { config, schema: { hide: true, body: z.object({ user: requester, setId: z.string().uuid() }) } },
    async (request) => ({ items: await client.setItems(request.body.user, request.body.setId) }),
  );
  app.post(
    '/internal/audit/monitored-items',
    { config, schema: { hide: true, body: z.object({ orgId: z.string().uuid() }) } },
    async (request) => ({ items: await client.monitoredItems(request.body.orgId) }),
  );
}
