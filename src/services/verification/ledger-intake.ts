/**
 * The ledger's message intake (subscriber `verification.ledger`): every identity.* and audit.*
 * message becomes an `audit_action` leaf, every observation of `file.version_observed` a
 * `file_version` leaf, every event of `event.stored` a `box_event` leaf — in delivery order, per
 * organisation, in the receiver's transaction (so the inbox record and the leaves commit together).
 *
 * The producers announce the leaf hash of what they stored. A leaf whose bytes do not hash to the
 * announced value, or whose bytes cannot be found, is refused: not appended, recorded in
 * `ledger.refused_leaves` and logged at error level. Refusing instead of failing the delivery keeps
 * one bad record from stopping the ledger for every organisation; the owning service's
 * reconciliation then finds the record without a leaf.
 */
import { hashesEqual, tryDecodeBase64 } from '../../ledger/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AnyTrx } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Envelope } from '../../platform/messaging/catalogue.ts';
import type { MessageHandler } from '../../platform/messaging/receiver.ts';
import type { EventClient } from '../event/event-client.ts';
import { indexFileVersionLeaves } from './file-version-index.ts';
import type { LeafAppender, NewLeaf } from './leaf-appender.ts';
import {
  auditActionLeafText,
  boxEventLeafText,
  fileVersionLeafText,
  type LeafKind,
  leafHashOfText,
  type VersionObservation,
} from './leaf-format.ts';
import type { LedgerRepository, RefusedLeaf } from './ledger-repository.ts';

/** Event ids per leafTexts call (the event service's internal route takes at most this many). */
const TEXT_BATCH = 1000;

/** Canonical event texts fetched before the transaction, keyed by `${orgId}/${eventId}`. */
export type PreparedEventTexts = Map<string, string>;

interface Candidate {
  orgId: string;
  messageId: string;
  leaf: NewLeaf;
  /** The hash the producer announced (base64 in the message), when it announces one. */
  announced?: string;
  /** For `file_version` leaves: the observation, indexed by file once appended (file-version-index.ts). */
  observation?: Omit<VersionObservation, 'leafHash'>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const textKey = (orgId: string, eventId: string) => `${orgId}/${eventId}`;

export function createLedgerIntake(d: {
  appender: LeafAppender;
  repo: LedgerRepository;
  events: () => Pick<EventClient, 'leafTexts'>;
  clock: Clock;
  log: Logger;
}): MessageHandler<PreparedEventTexts> {
  return {
    subscriber: 'verification.ledger',

    async prepare(messages) {
      const wanted = new Map<string, Set<string>>();
      for (const m of messages) {
        if (m.topic !== 'event.stored') continue;
        const p = m.payload as Envelope<'event.stored'>['payload'];
        if (typeof p.orgId !== 'string' || !UUID.test(p.orgId)) continue;
        const ids = wanted.get(p.orgId) ?? new Set<string>();
        for (const e of p.events) ids.add(e.eventId);
        wanted.set(p.orgId, ids);
      }
      const texts: PreparedEventTexts = new Map();
      for (const [orgId, ids] of wanted) {
        const all = [...ids];
        for (let i = 0; i < all.length; i += TEXT_BATCH) {
          // A failed call fails the delivery: the relay retries, nothing is half-appended.
          for (const t of await d.events().leafTexts(orgId, all.slice(i, i + TEXT_BATCH))) {
            texts.set(textKey(orgId, t.eventId), t.text);
          }
        }
      }
      return texts;
    },

    async handle(messages, trx, prepared) {
      const refusals: RefusedLeaf[] = [];
      const perOrg = new Map<string, Candidate[]>();
      const add = (c: Candidate) => {
        const list = perOrg.get(c.orgId) ?? [];
        list.push(c);
        perOrg.set(c.orgId, list);
      };
      const refuse = (
        c: { orgId: string; messageId: string; kind: LeafKind; ref: string },
        reason: RefusedLeaf['reason'],
        announced: string | undefined,
        computed: Buffer | null,
      ) =>
        refusals.push({
          ...c,
          reason,
          announcedHash: (announced && tryDecodeBase64(announced)) || null,
          computedHash: computed,
        });

      for (const m of messages) {
        const orgId = (m.payload as { orgId?: unknown }).orgId;
        if (typeof orgId !== 'string' || !UUID.test(orgId)) {
          // No log to put it in; failing would block every later message of the subscriber.
          d.log.error(
            { messageId: m.id, topic: m.topic },
            'ledger skipped a message without an organisation id',
          );
          continue;
        }
        if (m.topic.startsWith('identity.') || m.topic.startsWith('audit.')) {
          add({
            orgId,
            messageId: m.id,
            leaf: { kind: 'audit_action', ref: m.id, text: auditActionLeafText(m) },
          });
        } else if (m.topic === 'file.version_observed') {
          const p = m.payload as Envelope<'file.version_observed'>['payload'];
          for (const o of p.observations) {
            const { leafHash, ...observation } = o;
            add({
              orgId,
              messageId: m.id,
              announced: leafHash,
              observation,
              leaf: { kind: 'file_version', ref: o.observationId, text: fileVersionLeafText(observation) },
            });
          }
        } else if (m.topic === 'event.stored') {
          const p = m.payload as Envelope<'event.stored'>['payload'];
          for (const e of p.events) {
            const text = prepared?.get(textKey(orgId, e.eventId));
            if (text === undefined) {
              refuse(
                { orgId, messageId: m.id, kind: 'box_event', ref: e.eventId },
                'TEXT_MISSING',
                e.leafHash,
                null,
              );
              continue;
            }
            add({
              orgId,
              messageId: m.id,
              announced: e.leafHash,
              leaf: { kind: 'box_event', ref: e.eventId, text: boxEventLeafText(text) },
            });
          }
        }
      }

      // Lock logs in one order (by org id) so two deliveries touching the same logs cannot deadlock.
      for (const orgId of [...perOrg.keys()].sort()) {
        const accepted: Candidate[] = [];
        for (const c of perOrg.get(orgId)!) {
          if (c.announced === undefined) {
            accepted.push(c);
            continue;
          }
          const computed = leafHashOfText(c.leaf.text);
          const announced = tryDecodeBase64(c.announced);
          if (announced && hashesEqual(announced, computed)) {
            accepted.push({ ...c, leaf: { ...c.leaf, leafHash: computed } });
          } else {
            refuse({ ...c, kind: c.leaf.kind, ref: c.leaf.ref }, 'HASH_MISMATCH', c.announced, computed);
          }
        }
        if (accepted.length === 0) continue;
        const outcome = await d.appender.append(
          trx,
          orgId,
          accepted.map((c) => c.leaf),
        );
        await indexFileVersionLeaves(
          trx as AnyTrx,
          outcome.logId,
          outcome.leaves.flatMap((result, i) => {
            const observation = accepted[i]!.observation;
            return result.status === 'appended' && observation ? [{ index: result.index, observation }] : [];
          }),
        );
        outcome.leaves.forEach((result, i) => {
          if (result.status !== 'conflict') return;
          const c = accepted[i]!;
          refuse(
            { orgId, messageId: c.messageId, kind: result.kind, ref: result.ref },
            'CONFLICT',
            c.announced,
            c.leaf.leafHash ?? leafHashOfText(c.leaf.text),
          );
        });
      }

      if (refusals.length > 0) {
        await d.repo.insertRefusals(trx as AnyTrx, refusals, d.clock.now());
        d.log.error(
          {
            refused: refusals.length,
            reasons: [...new Set(refusals.map((r) => r.reason))],
            sample: refusals
              .slice(0, 5)
              .map((r) => ({ org: r.orgId, kind: r.kind, ref: r.ref, reason: r.reason })),
          },
          'ledger refused leaves whose bytes do not match what their producer announced',
        );
      }
    },
  };
}
