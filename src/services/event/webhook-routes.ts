/**
 * Box webhook receiver (product.md F2.5): an optional accelerator. A delivery whose signature
 * verifies (either key, 10-minute window, raw bytes) triggers an immediate poll of the event stream;
 * the events API stays the source of truth, so the payload itself is not stored.
 */

import { verifyWebhookSignature, type WebhookKeys } from '../../box/webhook-signature.ts';
import type { Clock } from '../../platform/clock.ts';
import { badRequest, unauthorized } from '../../platform/errors.ts';
import { PUBLIC } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';

export function registerWebhookRoutes(
  app: App,
  d: { keys: () => WebhookKeys; clock: Clock; onDelivery: () => void },
): void {
  const seen = new Map<string, number>();
  app.register(async (scope) => {
    // The signature covers the exact bytes Box sent: keep the body raw.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/v1/webhooks/box',
      {
        config: { auth: PUBLIC, maintenanceAllowed: true },
        schema: { tags: ['integrations'], summary: 'Box webhook deliveries (signed)' },
      },
      async (request, reply) => {
        const body = request.body as Buffer;
        const verdict = verifyWebhookSignature({
          body,
          headers: request.headers,
          keys: d.keys(),
          now: d.clock.now(),
        });
        if (!verdict.ok) {
          request.log.warn({ reason: verdict.reason }, 'webhook delivery refused');
          throw unauthorized('WEBHOOK_SIGNATURE_INVALID', { details: { reason: verdict.reason } });
        }
        let id: string | undefined;
        try {
          id = (JSON.parse(body.toString('utf8')) as { id?: string }).id;
        } catch {
          throw badRequest('MALFORMED_JSON');
        }
        // Box retries with the same body id; one poll per delivery is enough.
        if (id && !seen.has(id)) {
          seen.set(id, d.clock.now().getTime());
          if (seen.size > 10_000) seen.delete(seen.keys().next().value as string);
          d.onDelivery();
        }
        return reply.status(200).send({ status: 'accepted' });
      },
    );
  });
}
