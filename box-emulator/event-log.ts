import type { EnterpriseEventRec, Json, UserEventRec } from './types.ts';

/**
 * Stream positions are opaque decimal strings, deliberately above 2^53 (as Box's are) and below 2^63.
 * admin_logs_streaming and user streams: STREAM_BASE + sequence number (processing order).
 * admin_logs: the chronological key createdMs · 2^20 + rank within that millisecond.
 */
export const STREAM_BASE = 1n << 60n;
export const RANK_BITS = 20n;

export function chronoKey(createdMs: number, rank: number): bigint {
  return (BigInt(createdMs) << RANK_BITS) + BigInt(rank);
}

/** All events ever recorded, in processing order and in chronological order. */
export class EventLog {
  enterprise: EnterpriseEventRec[] = [];
  chrono: EnterpriseEventRec[] = [];
  user: UserEventRec[] = [];
  private msRank = new Map<number, number>();

  addEnterprise(json: Json, createdMs: number, recordedMs: number): EnterpriseEventRec {
    const rank = this.msRank.get(createdMs) ?? 0;
    this.msRank.set(createdMs, rank + 1);
    const rec: EnterpriseEventRec = {
      seq: this.enterprise.length + 1,
      key: chronoKey(createdMs, rank),
      createdMs,
      recordedMs,
      type: String(json.event_type),
      json,
    };
    this.enterprise.push(rec);
    this.insertChrono(rec);
    return rec;
  }

  addUser(json: Json, createdMs: number, userIds: string[], changes: boolean): UserEventRec {
    const rec: UserEventRec = { seq: this.user.length + 1, createdMs, userIds, changes, json };
    this.user.push(rec);
    return rec;
  }

  /** After generating a history with late-recorded events: processing order = recorded order. */
  resequence(): void {
    this.enterprise.sort((a, b) => a.recordedMs - b.recordedMs || a.seq - b.seq);
    this.enterprise.forEach((e, i) => {
      e.seq = i + 1;
    });
  }

  /** Index of the first event whose key is greater than `key`. */
  chronoIndexAfter(key: bigint): number {
    let lo = 0;
    let hi = this.chrono.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.chrono[mid]!.key <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sequence number of the first enterprise event recorded at or after `ms` (head+1 if none). */
  firstSeqRecordedFrom(ms: number): number {
    let lo = 0;
    let hi = this.enterprise.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.enterprise[mid]!.recordedMs < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  firstUserSeqFrom(ms: number): number {
    let lo = 0;
    let hi = this.user.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.user[mid]!.createdMs < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  private insertChrono(rec: EnterpriseEventRec): void {
    const last = this.chrono[this.chrono.length - 1];
    if (!last || last.key < rec.key) {
      this.chrono.push(rec);
      return;
    }
    this.chrono.splice(this.chronoIndexAfter(rec.key), 0, rec);
  }

  toJSON(): Json {
    return {
      enterprise: this.enterprise.map((e) => ({ ...e, key: e.key.toString() })),
      user: this.user,
    };
  }

  static fromJSON(data: {
    enterprise: (Omit<EnterpriseEventRec, 'key'> & { key: string })[];
    user: UserEventRec[];
  }): EventLog {
    const log = new EventLog();
    log.enterprise = data.enterprise.map((e) => ({ ...e, key: BigInt(e.key) }));
    log.chrono = [...log.enterprise].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const e of log.enterprise) log.msRank.set(e.createdMs, (log.msRank.get(e.createdMs) ?? 0) + 1);
    log.user = data.user;
    return log;
  }
}
