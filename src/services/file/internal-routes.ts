/** The file service's service-to-service routes (never routed by the gateway): FileClient over HTTP. */
import { z } from 'zod';
import { SERVICE_ONLY } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { FileClient } from './file-client.ts';
import { boxIdSchema } from './file-schemas.ts';

const itemType = z.enum(['file', 'folder']);
const boxUser = boxIdSchema.nullable();
const rule = z.object({
  itemId: boxIdSchema,
  itemType,
  effect: z.enum(['include', 'exclude']),
  scope: z.enum(['subtree', 'item']),
});
const top = z.object({
  itemId: boxIdSchema,
  itemType,
  rules: z.array(rule).max(10_000),
  rulePaths: z.record(z.string(), z.array(boxIdSchema).max(1000)).optional(),
});

export function registerInternalFileRoutes(app: App, client: FileClient): void {
  const config = { auth: SERVICE_ONLY };
  const post = <S extends z.ZodType>(path: string, body: S, run: (b: z.infer<S>) => Promise<unknown>) =>
    app.post(
      `/internal/files/${path}`,
      { config, schema: { hide: true, body }, bodyLimit: 16 * 1024 * 1024 },
      async (request) => run(request.body as z.infer<S>),
    );

  post(
    'items',
    z.object({
      orgId: z.string().uuid(),
      refs: z.array(z.object({ itemId: boxIdSchema, itemType })).max(1000),
      asUser: boxUser,
    }),
    async (b) => ({ items: await client.items(b.orgId, b.refs, { asUser: b.asUser }) }),
  );
  post(
    'children',
    z.object({
      orgId: z.string().uuid(),
      folderId: boxIdSchema,
      asUser: boxUser,
      marker: z.string().max(2000).optional(),
      limit: z.number().int().min(1).max(1000),
    }),
    (b) =>
      client.children(b.orgId, b.folderId, {
        asUser: b.asUser,
        limit: b.limit,
        ...(b.marker ? { marker: b.marker } : {}),
      }),
  );
  post('allowed', z.object({ orgId: z.string().uuid(), tops: z.array(top).max(10_000) }), async (b) => ({
    items: await client.allowedItemIds(b.orgId, b.tops),
  }));
  post('descendants', z.object({ orgId: z.string().uuid(), folderId: boxIdSchema }), async (b) => ({
    items: await client.descendants(b.orgId, b.folderId),
  }));
  post(
    'observe',
    z.object({
      orgId: z.string().uuid(),
      fileId: boxIdSchema,
      asUser: boxUser,
      source: z.enum(['baseline', 'verification']),
    }),
    (b) => client.observeFile(b.orgId, b.fileId, { asUser: b.asUser, source: b.source }),
  );
  post(
    'files-under',
    z.object({
      orgId: z.string().uuid(),
      folderId: boxIdSchema,
      asUser: boxUser,
      max: z.number().int().min(1).max(100_000),
    }),
    async (b) => ({ items: await client.filesUnder(b.orgId, b.folderId, { asUser: b.asUser, max: b.max }) }),
  );
}
