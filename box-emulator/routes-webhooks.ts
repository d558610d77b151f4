import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findItem } from './access.ts';
import { authOf, type Deps, requireScope } from './context.ts';
import { BoxHttpError, badParam, notFound } from './errors.ts';
import { markerPage, parseLimit } from './paging.ts';
import { body, idParam, query } from './route-helpers.ts';
import { webhookJson, webhookMini } from './serialize-misc.ts';
import type { WebhookRec } from './types.ts';

const FILE_TRIGGERS = [
  'FILE.PREVIEWED',
  'FILE.DOWNLOADED',
  'FILE.TRASHED',
  'FILE.DELETED',
  'FILE.RESTORED',
  'FILE.COPIED',
  'FILE.MOVED',
  'FILE.LOCKED',
  'FILE.UNLOCKED',
  'FILE.RENAMED',
];
const SHARED_TRIGGERS = [
  'COMMENT.CREATED',
  'COMMENT.UPDATED',
  'COMMENT.DELETED',
  'TASK_ASSIGNMENT.CREATED',
  'TASK_ASSIGNMENT.UPDATED',
  'METADATA_INSTANCE.CREATED',
  'METADATA_INSTANCE.UPDATED',
  'METADATA_INSTANCE.DELETED',
  'SHARED_LINK.CREATED',
  'SHARED_LINK.UPDATED',
  'SHARED_LINK.DELETED',
  'WEBHOOK.DELETED',
  'SIGN_REQUEST.COMPLETED',
  'SIGN_REQUEST.DECLINED',
  'SIGN_REQUEST.EXPIRED',
  'SIGN_REQUEST.SIGNER_EMAIL_BOUNCED',
  'SIGN_REQUEST.SIGN_SIGNER_SIGNED',
  'SIGN_REQUEST.SIGN_DOCUMENT_CREATED',
  'SIGN_REQUEST.SIGN_ERROR_FINALIZING',
];
const FOLDER_ONLY = [
  'FILE.UPLOADED',
  'FOLDER.CREATED',
  'FOLDER.RENAMED',
  'FOLDER.DOWNLOADED',
  'FOLDER.RESTORED',
  'FOLDER.DELETED',
  'FOLDER.COPIED',
  'FOLDER.MOVED',
  'FOLDER.TRASHED',
  'COLLABORATION.CREATED',
  'COLLABORATION.ACCEPTED',
  'COLLABORATION.REJECTED',
  'COLLABORATION.REMOVED',
  'COLLABORATION.UPDATED',
];

/** Triggers valid on a target type (folder webhooks cascade to their files). */
export function triggersFor(type: 'file' | 'folder'): string[] {
  return type === 'file'
    ? [...FILE_TRIGGERS, ...SHARED_TRIGGERS]
    : [...FILE_TRIGGERS, ...SHARED_TRIGGERS, ...FOLDER_ONLY];
}

function parseTriggers(raw: unknown, type: 'file' | 'folder'): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((t) => typeof t !== 'string')) {
    throw badParam('triggers', 'triggers must be a non-empty list of trigger names');
  }
  const allowed = triggersFor(type);
  const bad = raw.filter((t) => !allowed.includes(t));
  if (bad.length > 0) throw badParam('triggers', `Invalid triggers for a ${type} target: ${bad.join(', ')}`);
  return [...new Set(raw as string[])];
}

function parseAddress(raw: unknown): string {
  if (typeof raw !== 'string') throw badParam('address', 'address must be a URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badParam('address', 'address must be a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw badParam('address', 'address must be an http(s) URL');
  return raw;
}

export function registerWebhookRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  const own = (req: FastifyRequest): WebhookRec => {
    const ctx = authOf(req);
    requireScope(ctx, 'manage_webhook');
    const w = store.webhooks.get(idParam(req));
    if (!w || w.appClientId !== ctx.app.clientId || w.createdBy !== ctx.user.id) throw notFound();
    return w;
  };

  app.post('/2.0/webhooks', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'manage_webhook');
    const b = body(req);
    const target = (b.target ?? {}) as { id?: unknown; type?: unknown };
    if ((target.type !== 'file' && target.type !== 'folder') || typeof target.id !== 'string') {
      throw badParam('target', 'target must be {id, type: "file"|"folder"}');
    }
    if (target.type === 'folder' && target.id === '0')
      throw badParam('target', 'Webhooks cannot be created on the root folder');
    if (target.type === 'file') findItem(store, ctx.user, 'file', target.id);
    else findItem(store, ctx.user, 'folder', target.id);
    const address = parseAddress(b.address);
    const triggers = parseTriggers(b.triggers, target.type);
    for (const w of store.webhooks.values()) {
      if (
        w.targetId === target.id &&
        w.targetType === target.type &&
        w.appClientId === ctx.app.clientId &&
        w.createdBy === ctx.user.id
      ) {
        throw new BoxHttpError(
          409,
          'conflict',
          'Webhook already exists for this target, application and user',
          {
            errors: [{ reason: 'conflict', name: 'target', message: `webhook ${w.id} already exists` }],
          },
        );
      }
    }
    const webhook: WebhookRec = {
      id: store.nextId('webhook'),
      targetType: target.type,
      targetId: target.id,
      address,
      triggers,
      createdBy: ctx.user.id,
      appClientId: ctx.app.clientId,
      createdMs: deps.clock.now().getTime(),
    };
    store.webhooks.set(webhook.id, webhook);
    return reply.code(201).send(webhookJson(store, webhook));
  });

  app.get('/2.0/webhooks', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'manage_webhook');
    const q = query(req);
    const mine = [...store.webhooks.values()].filter(
      (w) => w.appClientId === ctx.app.clientId && w.createdBy === ctx.user.id,
    );
    const page = markerPage(mine, q.marker, parseLimit(q.limit, 100, 1000));
    return { ...page.meta, entries: page.entries.map(webhookMini) };
  });

  app.get('/2.0/webhooks/:id', async (req) => webhookJson(store, own(req)));

  app.put('/2.0/webhooks/:id', async (req) => {
    const w = own(req);
    const b = body(req);
    if (b.address !== undefined) w.address = parseAddress(b.address);
    if (b.triggers !== undefined) w.triggers = parseTriggers(b.triggers, w.targetType);
    store.dirty = true;
    return webhookJson(store, w);
  });

  app.delete('/2.0/webhooks/:id', async (req, reply) => {
    store.webhooks.delete(own(req).id);
    store.dirty = true;
    return reply.code(204).send();
  });
}
