import { STREAM_BASE } from './event-log.ts';
import type { ActCtx } from './events-record.ts';
import { createFile, trashItem, uploadVersion } from './ops-files.ts';
import { addCollaboration, createFolder } from './ops-folders.ts';
import { findVersion } from './ops-versions.ts';
import { currentVersion } from './serialize-item.ts';
import type { BoxStore } from './store.ts';
import type {
  CollabRec,
  CollabRole,
  FileRec,
  FolderRec,
  ItemRec,
  Json,
  UserRec,
  VersionRec,
} from './types.ts';

type Bytes = Buffer | string;
const toBuffer = (b: Bytes): Buffer => (typeof b === 'string' ? Buffer.from(b) : b);

/** Helpers for tests and demos: look things up and change them as a given user (events are recorded). */
export class EmulatorState {
  constructor(
    readonly store: BoxStore,
    private readonly defaultActor: () => UserRec,
  ) {}

  get enterprise(): { id: string; name: string } {
    return { ...this.store.enterprise };
  }

  users(): UserRec[] {
    return [...this.store.users.values()];
  }

  userByLogin(login: string): UserRec | undefined {
    return this.store.userByLogin(login);
  }

  /** Throws when the login does not exist. */
  user(login: string): UserRec {
    const u = this.store.userByLogin(login);
    if (!u) throw new Error(`no user ${login}`);
    return u;
  }

  file(id: string): FileRec | undefined {
    return this.store.files.get(id);
  }

  folder(id: string): FolderRec | undefined {
    return this.store.folders.get(id);
  }

  files(): FileRec[] {
    return [...this.store.files.values()];
  }

  folders(): FolderRec[] {
    return [...this.store.folders.values()];
  }

  isTrashed(itemId: string): boolean {
    const item = this.store.item(itemId);
    return item ? this.store.isTrashed(item) : false;
  }

  /** The first live file under a path prefix ("Finance/2025/"): history renames and moves files. */
  fileUnder(prefix: string): FileRec | undefined {
    return this.files().find((f) => !this.store.isTrashed(f) && this.pathOf(f).startsWith(prefix));
  }

  /** "Finance/2025/Q1/Invoices/x.pdf": from a top-level folder (any owner) down by names. */
  itemByPath(path: string): ItemRec | undefined {
    const parts = path.split('/').filter(Boolean);
    let level: ItemRec[] = [...this.store.folders.values(), ...this.store.files.values()].filter(
      (i) => i.parentId === null,
    );
    let found: ItemRec | undefined;
    for (const name of parts) {
      found =
        level.find((i) => i.name === name && i.trashedMs === null) ?? level.find((i) => i.name === name);
      if (!found) return undefined;
      level = found.kind === 'folder' ? this.store.children(found.id) : [];
    }
    return found;
  }

  fileByPath(path: string): FileRec | undefined {
    const item = this.itemByPath(path);
    return item?.kind === 'file' ? item : undefined;
  }

  folderByPath(path: string): FolderRec | undefined {
    const item = this.itemByPath(path);
    return item?.kind === 'folder' ? item : undefined;
  }

  pathOf(item: ItemRec): string {
    return [...this.store.ancestors(item).map((a) => a.name), item.name].join('/');
  }

  currentVersion(fileId: string): VersionRec {
    return currentVersion(this.mustFile(fileId));
  }

  content(fileId: string, versionId?: string): Buffer {
    const file = this.mustFile(fileId);
    return this.store.blob(findVersion(file, versionId ?? file.currentVersionId).sha1);
  }

  /** Enterprise events in processing order (admin_logs_streaming order), raw JSON. */
  events(filter: { type?: string; itemId?: string } = {}): Json[] {
    return this.store.events.enterprise
      .filter(
        (e) =>
          (!filter.type || e.type === filter.type) &&
          (!filter.itemId || (e.json.source as Json | null)?.item_id === filter.itemId),
      )
      .map((e) => e.json);
  }

  userEvents(userId: string): Json[] {
    return this.store.events.user.filter((e) => e.userIds.includes(userId)).map((e) => e.json);
  }

  /** The admin_logs_streaming position of "now". */
  latestStreamPosition(): string {
    return (STREAM_BASE + BigInt(this.store.events.enterprise.length)).toString();
  }

  uploadNewVersion(fileId: string, bytes: Bytes, opts: { login?: string } = {}): VersionRec {
    return uploadVersion(this.store, this.ctx(opts.login), this.mustFile(fileId), toBuffer(bytes));
  }

  createFile(folderId: string | null, name: string, bytes: Bytes, opts: { login?: string } = {}): FileRec {
    return createFile(this.store, this.ctx(opts.login, folderId), {
      parentId: folderId,
      name,
      bytes: toBuffer(bytes),
    });
  }

  createFolder(parentId: string | null, name: string, opts: { login?: string } = {}): FolderRec {
    return createFolder(this.store, this.ctx(opts.login, parentId), parentId, name);
  }

  trash(itemId: string, opts: { login?: string } = {}): void {
    const item = this.store.item(itemId);
    if (!item) throw new Error(`no item ${itemId}`);
    trashItem(this.store, this.ctx(opts.login, item.id), item);
  }

  collaborate(itemId: string, login: string, role: CollabRole, opts: { by?: string } = {}): CollabRec {
    const item = this.store.item(itemId);
    if (!item) throw new Error(`no item ${itemId}`);
    const user = this.store.userByLogin(login);
    return addCollaboration(
      this.store,
      this.ctx(opts.by, item.id),
      item,
      user ? { user } : { email: login },
      role,
    );
  }

  private mustFile(id: string): FileRec {
    const f = this.store.files.get(id);
    if (!f) throw new Error(`no file ${id}`);
    return f;
  }

  /** Acting user: the given login, else the item's owner, else the enterprise admin. */
  private ctx(login?: string, itemId?: string | null): ActCtx {
    const owner = itemId ? this.store.users.get(this.store.item(itemId)?.ownerId ?? '') : undefined;
    const actor = login ? this.user(login) : (owner ?? this.defaultActor());
    return { at: this.store.now(), actor, ip: actor.ip };
  }
}
