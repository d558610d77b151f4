/**
 * Which tokens stopped being valid before they expire: users whose tokens are void before a time
 * (disabled, deleted, roles changed, password reset) and single sessions or API tokens (logout,
 * refresh-token reuse, token deleted). Identity keeps the list in memory, updates it at once on its
 * own changes and reloads it from the database periodically (other identity replicas); other services
 * fetch it over HTTP (remote-revocations.ts). Entries older than the longest token cache are dropped.
 */
import type { RevocationView } from '../../platform/auth/verifier.ts';
import type { IdentityDb } from './identity-tables.ts';

export interface RevocationList {
  users: { userId: string; validAfter: number }[];
  sessions: string[];
}

export interface RevocationStore extends RevocationView {
  revokeUser(userId: string, validAfterSeconds: number): void;
  revokeSession(sessionId: string): void;
  reload(now: Date): Promise<void>;
  snapshot(): RevocationList;
}

export function createRevocationState(): RevocationView & {
  apply(list: RevocationList): void;
  revokeUser(userId: string, validAfter: number): void;
  revokeSession(sessionId: string): void;
  snapshot(): RevocationList;
} {
  let users = new Map<string, number>();
  let sessions = new Set<string>();
  return {
    isRevoked(userId, sessionId, issuedAt) {
      const after = users.get(userId);
      return (after !== undefined && issuedAt < after) || sessions.has(sessionId);
    },
    apply(list) {
      users = new Map(list.users.map((u) => [u.userId, u.validAfter]));
      sessions = new Set(list.sessions);
    },
    revokeUser(userId, validAfter) {
      users.set(userId, Math.max(users.get(userId) ?? 0, validAfter));
    },
    revokeSession(sessionId) {
      sessions.add(sessionId);
    },
    snapshot: () => ({
      users: [...users].map(([userId, validAfter]) => ({ userId, validAfter })),
      sessions: [...sessions],
    }),
  };
}

export function createRevocationStore(db: IdentityDb, windowMs: number): RevocationStore {
  const state = createRevocationState();
  return {
    isRevoked: state.isRevoked,
    revokeUser: state.revokeUser,
    revokeSession: state.revokeSession,
    snapshot: state.snapshot,
    async reload(now) {
      const since = new Date(now.getTime() - windowMs);
      const users = await db
        .selectFrom('identity.users')
        .select(['id', 'tokens_valid_after'])
        .where('tokens_valid_after', '>', since)
        .execute();
      const sessions = await db
        .selectFrom('identity.sessions')
        .select('id')
        .where('revoked_at', '>', since)
        .execute();
      const tokens = await db
        .selectFrom('identity.api_tokens')
        .select('id')
        .where('revoked_at', '>', since)
        .execute();
      const list: RevocationList = {
        users: users.map((u) => ({
          userId: u.id,
          validAfter: Math.floor(u.tokens_valid_after!.getTime() / 1000),
        })),
        sessions: [...sessions.map((s) => s.id), ...tokens.map((t) => t.id)],
      };
      // Keep what we revoked in memory since the query began: a reload must never un-revoke.
      const before = state.snapshot();
      state.apply(list);
      for (const u of before.users) state.revokeUser(u.userId, u.validAfter);
      for (const s of before.sessions) state.revokeSession(s);
    },
  };
}
