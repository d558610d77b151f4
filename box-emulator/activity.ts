import { accessOf, canDownload, canRead, canWrite } from './access.ts';
import { fileBytes } from './content-gen.ts';
import type { ActCtx } from './events-record.ts';
import {
  copyFile,
  createFile,
  moveItem,
  recordDownload,
  recordPreview,
  renameItem,
  restoreItem,
  trashItem,
  uploadVersion,
} from './ops-files.ts';
import {
  addCollaboration,
  changeCollaborationRole,
  recordLogin,
  removeCollaboration,
} from './ops-folders.ts';
import { currentVersion } from './serialize-item.ts';
import type { BoxStore } from './store.ts';
import type { FileRec, FolderRec, UserRec } from './types.ts';

export type ActivityKind =
  | 'preview'
  | 'download'
  | 'version'
  | 'upload'
  | 'rename'
  | 'move'
  | 'copy'
  | 'collab'
  | 'trash'
  | 'restore'
  | 'login';

const WEIGHTS: [ActivityKind, number][] = [
  ['preview', 30],
  ['download', 18],
  ['version', 18],
  ['upload', 6],
  ['rename', 3],
  ['move', 3],
  ['copy', 3],
  ['collab', 6],
  ['trash', 2],
  ['restore', 2],
  ['login', 6],
];

/** Top-level folders whose files activity never renames, moves, copies or trashes and whose
 * collaborations it never changes (stable fixtures). */
export const STABLE_TREES = ['Board', 'Compliance'];

const managed = (store: BoxStore): UserRec[] =>
  [...store.users.values()].filter((u) => u.kind === 'managed' && u.status === 'active');

/** A random file that is not in the trash (a few tries, then none). */
function liveFile(store: BoxStore): FileRec | undefined {
  const ids = [...store.files.keys()];
  for (let i = 0; i < 8 && ids.length > 0; i++) {
    const file = store.files.get(store.rng.pick(ids))!;
    if (!store.isTrashed(file)) return file;
  }
  return undefined;
}

export function sessionOf(user: UserRec, at: number): string {
  return `ses_${user.id}_${Math.floor(at / 86_400_000).toString(36)}`;
}

export function newFileName(store: BoxStore, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  return `${store.rng.pick(['Notes', 'Draft', 'Summary', 'Export', 'Scan'])} ${day} ${store.rng.hex(4)}.${store.rng.pick(['txt', 'pdf', 'csv', 'docx', 'md'])}`;
}

/**
 * One realistic action by a user who may do it, at `at`: previews, downloads, new versions, uploads,
 * renames, moves, copies, collaboration changes, trash/restore, sign-ins. Returns what happened.
 */
export function activityOnce(
  store: BoxStore,
  at: Date,
  opts: { lateProbability?: number } = {},
): ActivityKind {
  const rng = store.rng;
  const ctxOf = (actor: UserRec): ActCtx => {
    const late = opts.lateProbability && rng.chance(opts.lateProbability);
    return {
      at,
      actor,
      ip: actor.ip,
      sessionId: sessionOf(actor, at.getTime()),
      ...(late ? { recordedAt: new Date(at.getTime() + rng.int(5, 1200) * 1000) } : {}),
    };
  };
  const users = managed(store);
  const actorFor = (
    file: FileRec | FolderRec,
    test: (a: ReturnType<typeof accessOf>) => boolean,
  ): UserRec | undefined => {
    const able = users.filter((u) => test(accessOf(store, u, file)));
    return able.length > 0 ? rng.pick(able) : undefined;
  };
  const kind = rng.weighted(WEIGHTS);
  try {
    const file = kind === 'login' ? undefined : liveFile(store);
    if (!file) {
      recordLogin(store, ctxOf(rng.pick(users)));
      return 'login';
    }
    const stable = STABLE_TREES.includes(store.ancestors(file)[0]?.name ?? '');
    if (stable && ['rename', 'move', 'copy', 'trash'].includes(kind)) return activityOnce(store, at, opts);
    const parent = file.parentId ? store.folders.get(file.parentId) : undefined;
    const needsWriter = ['version', 'rename', 'move', 'copy', 'trash'].includes(kind);
    const writer = needsWriter ? actorFor(file, canWrite) : undefined;
    switch (kind) {
      case 'preview': {
        const reader = actorFor(file, canRead);
        if (reader) recordPreview(store, ctxOf(reader), file);
        return kind;
      }
      case 'download': {
        const downloader = actorFor(file, canDownload);
        if (downloader) recordDownload(store, ctxOf(downloader), file, currentVersion(file));
        return kind;
      }
      case 'version':
        if (writer)
          uploadVersion(
            store,
            ctxOf(writer),
            file,
            fileBytes(rng, file.name, currentVersion(file).versionNumber + 1),
          );
        return kind;
      case 'upload': {
        const uploader = parent ? actorFor(parent, canWrite) : undefined;
        if (uploader && parent) {
          const name = newFileName(store, at);
          createFile(store, ctxOf(uploader), { parentId: parent.id, name, bytes: fileBytes(rng, name, 1) });
        }
        return kind;
      }
      case 'rename':
        if (writer) {
          const dot = file.name.lastIndexOf('.');
          const base = dot > 0 ? file.name.slice(0, dot) : file.name;
          const ext = dot > 0 ? file.name.slice(dot) : '';
          renameItem(
            store,
            ctxOf(writer),
            file,
            `${base.replace(/ \((final|reviewed|v\d+)\)$/, '')} (${rng.pick(['final', 'reviewed', `v${rng.int(2, 9)}`])})${ext}`,
          );
        }
        return kind;
      case 'move': {
        const siblings = parent?.parentId
          ? store
              .children(parent.parentId)
              .filter(
                (c): c is FolderRec => c.kind === 'folder' && c.id !== parent.id && c.trashedMs === null,
              )
          : [];
        if (writer && siblings.length > 0) {
          const target = rng.pick(siblings);
          if (canWrite(accessOf(store, writer, target))) moveItem(store, ctxOf(writer), file, target.id);
        }
        return kind;
      }
      case 'copy':
        if (writer) copyFile(store, ctxOf(writer), file, file.parentId, `Copy of ${file.name}`);
        return kind;
      case 'collab':
        collabChange(store, ctxOf, users);
        return kind;
      case 'trash':
        if (writer && store.files.size > 20) trashItem(store, ctxOf(writer), file);
        return kind;
      case 'restore': {
        const trashed = [...store.files.values()].filter(
          (f) => f.trashedMs !== null && !store.isTrashed({ ...f, trashedMs: null }),
        );
        if (trashed.length > 0) {
          const item = rng.pick(trashed);
          const owner = store.users.get(item.ownerId);
          if (owner?.kind === 'managed') restoreItem(store, ctxOf(owner), item);
        }
        return kind;
      }
    }
  } catch {
    // A clash (e.g. the name is taken): this round does nothing, as a user would give up.
  }
  return kind;
}

function collabChange(store: BoxStore, ctxOf: (u: UserRec) => ActCtx, users: UserRec[]): void {
  const rng = store.rng;
  const folders = [...store.folders.values()].filter(
    (f) =>
      !store.isTrashed(f) && f.parentId !== null && !STABLE_TREES.includes(store.ancestors(f)[0]?.name ?? ''),
  );
  if (folders.length === 0) return;
  const folder = rng.pick(folders);
  const owner = store.users.get(folder.ownerId);
  if (owner?.kind !== 'managed') return;
  const existing = [...store.collabs.values()].filter(
    (c) => c.itemId === folder.id && c.status === 'accepted',
  );
  if (existing.length > 0 && rng.chance(0.5)) {
    const c = rng.pick(existing);
    if (rng.chance(0.5)) removeCollaboration(store, ctxOf(owner), c);
    else changeCollaborationRole(store, ctxOf(owner), c, c.role === 'viewer' ? 'editor' : 'viewer');
    return;
  }
  const candidates = users.filter((u) => u.id !== owner.id && !existing.some((c) => c.userId === u.id));
  if (candidates.length > 0)
    addCollaboration(
      store,
      ctxOf(owner),
      folder,
      { user: rng.pick(candidates) },
      rng.pick(['viewer', 'editor'] as const),
    );
}

/** Background activity at a steady rate (real time), until stopped. */
export class ActivityGenerator {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly store: BoxStore,
    private readonly eventsPerMinute: number,
  ) {}

  start(): void {
    if (this.eventsPerMinute <= 0 || this.timer) return;
    this.timer = setInterval(
      () => activityOnce(this.store, this.store.now()),
      Math.max(10, 60_000 / this.eventsPerMinute),
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
