/**
 * The message catalogue (architecture.md §5): every message between services, versioned (`v: 1`),
 * with its owner. Producers write them to their outbox in the same transaction as the state change;
 * the relay delivers them, at least once and in order, to the subscriptions below.
 */
import type { ServiceName } from '../service-names.ts';

export type ItemType = 'file' | 'folder';
export type Role = 'AUDIT_ADMIN' | 'GENERAL_USER' | 'EXTERNAL_AUDITOR';
export type SetRole = 'OWNER' | 'CO_OWNER' | 'MEMBER' | 'REVIEWER';

export interface AllowRule {
  /** Box folder or file id the rule is about. */
  itemId: string;
  itemType: ItemType;
  /** `include`/`exclude`; `subtree` covers the folder and everything below it, now and later. */
  effect: 'include' | 'exclude';
  scope: 'subtree' | 'item';
}

interface Base {
  v: 1;
  orgId: string;
  /** The user who caused it, when a user did. */
  actorId?: string | null;
}

export interface MessagePayloads {
  'identity.user_created': Base & { userId: string; kind: 'box' | 'external' | 'local'; roles: Role[] };
  'identity.user_updated': Base & { userId: string; changes: string[]; disabled?: boolean };
  'identity.user_deleted': Base & { userId: string };
  'identity.roles_changed': Base & { userId: string; roles: Role[]; previousRoles: Role[] };
  'audit.set_created': Base & { setId: string; name: string };
  'audit.set_updated': Base & { setId: string; changes: string[] };
  'audit.set_deleted': Base & { setId: string };
  'audit.set_restored': Base & { setId: string };
  'audit.collaborators_changed': Base & {
    setId: string;
    collaborators: { userId: string; role: SetRole }[];
    groupIds: string[];
  };
  'audit.item_added': Base & {
    setId: string;
    itemId: string;
    itemType: ItemType;
    rules: AllowRule[];
    /** Box user id of the item's owner, so the baseline reads Box as that user. */
    ownerBoxUserId: string | null;
  };
  'audit.item_removed': Base & { setId: string; itemId: string };
  'audit.group_changed': Base & {
    groupId: string;
    change: 'created' | 'updated' | 'deleted';
    memberIds: string[];
  };
  'audit.access_logged': Base & {
    accessId: string;
    setId: string | null;
    itemId: string;
    userId: string;
    action: 'VIEW' | 'PREVIEW' | 'DOWNLOAD';
    at: string;
  };
  'event.stored': Base & {
    /** Stored (new) events of one ingested page, with the leaf hash of their canonical bytes (base64). */
    events: {
      eventId: string;
      leafHash: string;
      type: string;
      itemId: string | null;
      itemType: string | null;
      ownerBoxUserId: string | null;
      createdAt: string;
    }[];
  };
  'file.version_observed': Base & {
    observations: {
      observationId: string;
      fileId: string;
      versionId: string;
      sha1: string;
      size: number | null;
      modifiedAt: string | null;
      observedAt: string;
      source: 'enrichment' | 'baseline' | 'verification';
      /** Base64 leaf hash of the observation's canonical bytes. */
      leafHash: string;
    }[];
  };
  'verification.baseline_recorded': Base & { setId: string; itemId: string; files: number };
  'verification.completed': Base & {
    verificationId: string;
    fileId: string;
    setId: string | null;
    result: string;
  };
  'verification.tamper_detected': Base & {
    verificationId: string;
    fileId: string;
    fileName: string | null;
    setIds: string[];
    /** Owners and co-owners of the affected sets, resolved when the tampering was found. */
    notifyUserIds: string[];
    reasons: string[];
  };
}

export type Topic = keyof MessagePayloads;

export const TOPIC_OWNERS: Record<Topic, ServiceName> = {
  'identity.user_created': 'identity',
  'identity.user_updated': 'identity',
  'identity.user_deleted': 'identity',
  'identity.roles_changed': 'identity',
  'audit.set_created': 'audit',
  'audit.set_updated': 'audit',
  'audit.set_deleted': 'audit',
  'audit.set_restored': 'audit',
  'audit.collaborators_changed': 'audit',
  'audit.item_added': 'audit',
  'audit.item_removed': 'audit',
  'audit.group_changed': 'audit',
  'audit.access_logged': 'audit',
  'event.stored': 'event',
  'file.version_observed': 'file',
  'verification.baseline_recorded': 'verification',
  'verification.completed': 'verification',
  'verification.tamper_detected': 'verification',
};

export const TOPICS = Object.keys(TOPIC_OWNERS) as Topic[];

export interface Envelope<T extends Topic = Topic> {
  id: string;
  topic: T;
  /** Messages with the same key are delivered in the order they were committed. */
  key: string;
  payload: MessagePayloads[T];
  createdAt: string;
  /** W3C traceparent of the transaction that produced it. */
  traceparent?: string | undefined;
}

export interface Subscription {
  /** Stable name: the subscriber's progress and processed ids are stored under it. */
  subscriber: string;
  service: ServiceName;
  topics: (Topic | `${string}.*`)[];
}

/** Who consumes what. The relay of each producing service delivers to the matching subscribers. */
export const SUBSCRIPTIONS: Subscription[] = [
  {
    subscriber: 'verification.ledger',
    service: 'verification',
    topics: ['event.stored', 'file.version_observed', 'identity.*', 'audit.*'],
  },
  {
    subscriber: 'verification.baseline',
    service: 'verification',
    topics: ['audit.item_added', 'audit.item_removed'],
  },
  { subscriber: 'file.enrichment', service: 'file', topics: ['event.stored'] },
  {
    subscriber: 'audit.identity',
    service: 'audit',
    topics: ['identity.user_deleted', 'identity.roles_changed', 'identity.user_updated'],
  },
  {
    subscriber: 'audit.verification',
    service: 'audit',
    topics: ['verification.baseline_recorded', 'verification.completed'],
  },
  { subscriber: 'identity.notifications', service: 'identity', topics: ['verification.tamper_detected'] },
];

export function topicMatches(pattern: string, topic: string): boolean {
  return pattern.endsWith('.*') ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;
}

/** Subscriptions that receive some topic owned by `producer`. */
export function subscriptionsOf(producer: ServiceName): { subscription: Subscription; topics: Topic[] }[] {
  const own = TOPICS.filter((t) => TOPIC_OWNERS[t] === producer);
  return SUBSCRIPTIONS.map((subscription) => ({
    subscription,
    topics: own.filter((t) => subscription.topics.some((p) => topicMatches(p, t))),
  })).filter((s) => s.topics.length > 0);
}
