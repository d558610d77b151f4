/**
 * Subscriber `verification.baseline`: items added to or removed from audit sets are recorded in
 * `ledger.baseline_requests` (pending until `processed_at` is set) and acknowledged at once. The
 * baseline itself needs Box and the file service, so it is recorded by a job (baseline-job.ts),
 * never in the delivery: a slow or failing Box never holds up the relay or retries a message forever.
 */
import type { Envelope } from '../../platform/messaging/catalogue.ts';
import type { MessageHandler } from '../../platform/messaging/receiver.ts';
import type { LedgerRepository } from './ledger-repository.ts';

export function createBaselineRequestRecorder(d: { repo: LedgerRepository }): MessageHandler {
  return {
    subscriber: 'verification.baseline',
    async handle(messages, trx) {
      const requests = messages
        .filter(
          (m): m is Envelope<'audit.item_added' | 'audit.item_removed'> =>
            m.topic === 'audit.item_added' || m.topic === 'audit.item_removed',
        )
        .map((m) => ({
          messageId: m.id,
          orgId: m.payload.orgId,
          topic: m.topic,
          setId: m.payload.setId,
          itemId: m.payload.itemId,
          payload: m.payload,
          requestedAt: m.createdAt,
        }));
      await d.repo.insertBaselineRequests(trx, requests);
    },
  };
}
