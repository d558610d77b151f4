import { createHmac, randomUUID } from 'node:crypto';
import { boxTime } from './clock.ts';
import type { BoxAppConfig } from './options.ts';
import { fileFull, folderFull } from './serialize-item.ts';
import { userMini } from './serialize-user.ts';
import type { BoxStore, ItemChange } from './store.ts';
import type { WebhookRec } from './types.ts';

export const MAX_ATTEMPTS = 12;

/** Box's signature: base64(HMAC-SHA256(key, body bytes ‖ timestamp header bytes)). */
export function signWebhook(key: string, body: Buffer | string, timestamp: string): string {
  return createHmac('sha256', key).update(body).update(timestamp).digest('base64');
}

export interface DeliveryRecord {
  deliveryId: string;
  webhookId: string;
  /** The body's `id`: stable across retries. */
  eventId: string;
  trigger: string;
  address: string;
  attempt: number;
  /** HTTP status, or 0 if the receiver could not be reached. */
  status: number;
  error?: string;
  sentAt: string;
}

interface Pending {
  webhook: WebhookRec;
  body: string;
  eventId: string;
  trigger: string;
  attempt: number;
  timer?: NodeJS.Timeout;
}

/** Sends webhook v2 deliveries for item changes, signs them with the app's keys, retries on non-2xx. */
export class WebhookDelivery {
  readonly deliveries: DeliveryRecord[] = [];
  private pending = new Set<Pending>();
  private inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly store: BoxStore,
    private readonly apps: () => BoxAppConfig[],
  ) {
    store.listeners.push((change) => this.onChange(change));
  }

  private targets(change: ItemChange): WebhookRec[] {
    if (!change.trigger) return [];
    const chain = new Set([change.item.id, ...this.store.ancestors(change.item).map((a) => a.id)]);
    return [...this.store.webhooks.values()].filter(
      (w) =>
        w.triggers.includes(change.trigger!) &&
        (w.targetType === change.item.kind
          ? w.targetId === change.item.id
          : w.targetType === 'folder' && chain.has(w.targetId)),
    );
  }

  private onChange(change: ItemChange): void {
    for (const webhook of this.targets(change)) {
      const owner = this.store.users.get(change.item.ownerId) ?? null;
      const source =
        change.item.kind === 'file'
          ? fileFull(this.store, owner, change.item)
          : folderFull(this.store, owner, change.item);
      delete source.item_collection;
      const eventId = randomUUID();
      const body = JSON.stringify({
        type: 'webhook_event',
        id: eventId,
        created_at: boxTime(change.at),
        trigger: change.trigger,
        webhook: { id: webhook.id, type: 'webhook' },
        created_by: userMini(change.actor),
        source,
        additional_info: [],
      });
      this.send({ webhook, body, eventId, trigger: change.trigger!, attempt: 1 });
    }
  }

  private send(p: Pending): void {
    const run = this.attempt(p).finally(() => this.inflight.delete(run));
    this.inflight.add(run);
  }

  private async attempt(p: Pending): Promise<void> {
    const app = this.apps().find((a) => a.clientId === p.webhook.appClientId);
    const timestamp = boxTime(this.store.now());
    const deliveryId = randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=UTF-8',
      'user-agent': 'Box-WH-Client/0.1',
      'box-delivery-id': deliveryId,
      'box-delivery-timestamp': timestamp,
      'box-signature-version': '1',
      'box-signature-algorithm': 'HmacSHA256',
    };
    if (app?.webhookPrimaryKey)
      headers['box-signature-primary'] = signWebhook(app.webhookPrimaryKey, p.body, timestamp);
    if (app?.webhookSecondaryKey)
      headers['box-signature-secondary'] = signWebhook(app.webhookSecondaryKey, p.body, timestamp);
    const record: DeliveryRecord = {
      deliveryId,
      webhookId: p.webhook.id,
      eventId: p.eventId,
      trigger: p.trigger,
      address: p.webhook.address,
      attempt: p.attempt,
      status: 0,
      sentAt: timestamp,
    };
    try {
      const res = await fetch(p.webhook.address, {
        method: 'POST',
        headers,
        body: p.body,
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    this.deliveries.push(record);
    if (this.deliveries.length > 10_000) this.deliveries.splice(0, this.deliveries.length - 10_000);
    if (record.status >= 200 && record.status < 300) return;
    if (p.attempt >= MAX_ATTEMPTS || this.stopped || !this.store.webhooks.has(p.webhook.id)) return;
    const next: Pending = { ...p, attempt: p.attempt + 1 };
    const delay = Math.min(5_000 * 2 ** (p.attempt - 1), 20 * 60_000);
    next.timer = setTimeout(() => {
      this.pending.delete(next);
      this.send(next);
    }, delay);
    next.timer.unref();
    this.pending.add(next);
  }

  /** Sends every scheduled retry now (tests use this instead of waiting). Resolves when they are done. */
  async flush(): Promise<number> {
    await this.idle();
    const due = [...this.pending];
    for (const p of due) {
      clearTimeout(p.timer);
      this.pending.delete(p);
      this.send(p);
    }
    await this.idle();
    return due.length;
  }

  /** Resolves when no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  pendingRetries(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pending) clearTimeout(p.timer);
    this.pending.clear();
  }
}
