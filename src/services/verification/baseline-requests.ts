/**
 * Subscriber `verification.baseline`: items added to or removed from audit sets. Recording the
 * baseline needs the file service (current versions of the item), which is not built yet, so for
 * now each request is only recorded in `ledger.baseline_requests` (pending until `processed_at`
 * is set). Recording, not failing, keeps these messages from being retried forever; the audit
 * service's items stay PENDING_BASELINE until the baseline logic consumes the table.
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
