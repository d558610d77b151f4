import type { Clock } from './clock.ts';
import { EventLog } from './event-log.ts';
import { Prng } from './prng.ts';
import type {
  CodeRec,
  CollabRec,
  FileRec,
  FolderRec,
  ItemRec,
  Json,
  TokenRec,
  UserRec,
  WebhookRec,
} from './types.ts';

type IdKind = 'user' | 'folder' | 'file' | 'version' | 'collab' | 'webhook' | 'enterprise';

/** Box-looking numeric ids; each kind has its own range so ids never collide across kinds. */
const ID_BASE: Record<IdKind, number> = {
  enterprise: 900_000,
  user: 30_000_000,
  folder: 100_000_000,
  file: 1_000_000_000,
  version: 2_000_000_000,
  collab: 5_000_000,
  webhook: 70_000,
};

/** Something changed that others (webhooks, long-poll waiters) may care about. */
export interface ItemChange {
  trigger?: string;
  item: ItemRec;
  actor: UserRec;
  at: Date;
  additional?: Json;
}

/** The whole state of the local Box. Persistable with toJSON/fromJSON. */
export class BoxStore {
  enterprise = { id: '', name: '' };
  users = new Map<string, UserRec>();
  folders = new Map<string, FolderRec>();
  files = new Map<string, FileRec>();
  /** File contents by sha1. */
  blobs = new Map<string, Buffer>();
  collabs = new Map<string, CollabRec>();
  webhooks = new Map<string, WebhookRec>();
  tokens = new Map<string, TokenRec>();
  refreshTokens = new Map<string, TokenRec>();
  codes = new Map<string, CodeRec>();
  events = new EventLog();
  counters: Record<string, number> = {};
  rng: Prng;
  /** Apps generated at first start (default apps), kept so tokens survive a restart. */
  generatedApps: Json[] = [];
  dirty = false;
  readonly listeners: ((change: ItemChange) => void)[] = [];
  readonly userEventListeners: (() => void)[] = [];

  constructor(
    readonly clock: Clock,
    seed: number,
  ) {
    this.rng = new Prng(seed);
  }

  now(): Date {
    return this.clock.now();
  }

  nextId(kind: IdKind): string {
    const n = (this.counters[kind] ?? 0) + 1;
    this.counters[kind] = n;
    this.dirty = true;
    return String(ID_BASE[kind] + n * (kind === 'user' ? 7 : kind === 'file' ? 3 : 1));
  }

  item(id: string): ItemRec | undefined {
    return this.files.get(id) ?? this.folders.get(id);
  }

  /** Children of a folder; `null` = the root of `ownerId`. */
  children(parentId: string | null, ownerId?: string): ItemRec[] {
    const out: ItemRec[] = [];
    for (const f of this.folders.values())
      if (f.parentId === parentId && (parentId || f.ownerId === ownerId)) out.push(f);
    for (const f of this.files.values())
      if (f.parentId === parentId && (parentId || f.ownerId === ownerId)) out.push(f);
    return out;
  }

  /** Folders from the top-level one down to the item's parent. */
  ancestors(item: ItemRec): FolderRec[] {
    const out: FolderRec[] = [];
    let parentId = item.parentId;
    while (parentId) {
      const folder = this.folders.get(parentId);
      if (!folder || out.includes(folder)) break;
      out.unshift(folder);
      parentId = folder.parentId;
    }
    return out;
  }

  /** Trashed itself or inside a trashed folder. */
  isTrashed(item: ItemRec): boolean {
    return item.trashedMs !== null || this.ancestors(item).some((a) => a.trashedMs !== null);
  }

  userByLogin(login: string): UserRec | undefined {
    const l = login.toLowerCase();
    for (const u of this.users.values()) if (u.login.toLowerCase() === l) return u;
    return undefined;
  }

  blob(sha1: string): Buffer {
    const b = this.blobs.get(sha1);
    if (!b) throw new Error(`missing content ${sha1}`);
    return b;
  }

  emit(change: ItemChange): void {
    for (const l of this.listeners) l(change);
  }

  toJSON(): Json {
    return {
      version: 1,
      enterprise: this.enterprise,
      users: [...this.users.values()],
      folders: [...this.folders.values()],
      files: [...this.files.values()],
      blobs: Object.fromEntries([...this.blobs].map(([k, v]) => [k, v.toString('base64')])),
      collabs: [...this.collabs.values()],
      webhooks: [...this.webhooks.values()],
      tokens: [...this.tokens.values()],
      codes: [...this.codes.values()],
      events: this.events.toJSON(),
      counters: this.counters,
      rng: this.rng.state(),
      generatedApps: this.generatedApps,
    };
  }

  // biome-ignore lint/suspicious/noExplicitAny: persisted JSON is trusted (written by toJSON)
  static fromJSON(clock: Clock, data: any): BoxStore {
    const s = new BoxStore(clock, 1);
    s.enterprise = data.enterprise;
    for (const u of data.users) s.users.set(u.id, u);
    for (const f of data.folders) s.folders.set(f.id, f);
    for (const f of data.files) s.files.set(f.id, f);
    for (const [k, v] of Object.entries(data.blobs as Record<string, string>))
      s.blobs.set(k, Buffer.from(v, 'base64'));
    for (const c of data.collabs) s.collabs.set(c.id, c);
    for (const w of data.webhooks) s.webhooks.set(w.id, w);
    for (const t of data.tokens as TokenRec[]) {
      s.tokens.set(t.accessToken, t);
      if (t.refreshToken) s.refreshTokens.set(t.refreshToken, t);
    }
    for (const c of data.codes) s.codes.set(c.code, c);
    s.events = EventLog.fromJSON(data.events);
    s.counters = data.counters;
    s.rng = new Prng(data.rng);
    s.generatedApps = data.generatedApps ?? [];
    return s;
  }
}
