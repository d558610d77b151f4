import { activityOnce, sessionOf } from './activity.ts';
import { DAY_MS } from './clock.ts';
import { fileBytes } from './content-gen.ts';
import { DEMO_TREES, DEMO_USERS, type DemoFolder } from './demo-data.ts';
import type { ActCtx } from './events-record.ts';
import { createFile, uploadVersion } from './ops-files.ts';
import { addCollaboration, createFolder } from './ops-folders.ts';
import type { BoxStore } from './store.ts';
import type { FileRec, FolderRec, UserRec } from './types.ts';
import { createUser } from './users.ts';

const HOUR = 3_600_000;

interface Scheduled {
  at: number;
  run: (ctx: (actor: UserRec) => ActCtx) => void;
}

/**
 * Demo Co: users, a folder tree with files and versions, collaborations, and ~35 days of history,
 * all relative to the clock at creation and drawn from the seeded generator.
 */
export function seedDemo(store: BoxStore): void {
  const t0 = store.now().getTime();
  store.enterprise = { id: store.nextId('enterprise'), name: 'Demo Co' };
  const users = new Map<string, UserRec>();
  for (const [i, u] of DEMO_USERS.entries())
    users.set(u.login, createUser(store, u, t0 - (400 - i * 5) * DAY_MS));
  const byLogin = (login: string): UserRec => users.get(login) ?? store.userByLogin(login)!;

  const plan: Scheduled[] = [];
  const folderAt = (() => {
    let cursor = t0 - 120 * DAY_MS;
    return () => (cursor += store.rng.int(1, 8) * HOUR);
  })();

  const walk = (
    spec: DemoFolder,
    owner: UserRec,
    parent: { folder?: FolderRec },
    path: string,
    editors: UserRec[],
  ): void => {
    const holder: { folder?: FolderRec } = {};
    plan.push({
      at: folderAt(),
      run: (ctx) => (holder.folder = createFolder(store, ctx(owner), parent.folder?.id ?? null, spec.name)),
    });
    const here = [
      ...editors,
      ...(spec.collabs ?? []).filter(([, r]) => r === 'editor' || r === 'co-owner').map(([l]) => byLogin(l)),
    ];
    for (const [login, role] of spec.collabs ?? []) {
      const at = t0 - store.rng.int(96, 99) * DAY_MS - store.rng.int(0, 20) * HOUR;
      plan.push({
        at,
        run: (ctx) => {
          const who = users.get(login);
          addCollaboration(store, ctx(owner), holder.folder!, who ? { user: who } : { email: login }, role);
        },
      });
    }
    for (const child of spec.folders ?? []) walk(child, owner, holder, `${path}/${child.name}`, here);
    for (const name of spec.files ?? []) scheduleFile(holder, `${path}/${name}`, name, owner, here);
  };

  const scheduleFile = (
    folder: { folder?: FolderRec },
    path: string,
    name: string,
    owner: UserRec,
    editors: UserRec[],
  ): void => {
    const file: { rec?: FileRec } = {};
    const created = t0 - store.rng.int(36 * 24, 90 * 24) * HOUR;
    const authors = [owner, ...editors];
    plan.push({
      at: created,
      run: (ctx) => {
        file.rec = createFile(store, ctx(store.rng.pick(authors)), {
          parentId: folder.folder!.id,
          name,
          bytes: fileBytes(store.rng, path, 1),
        });
      },
    });
    const extra = store.rng.weighted([
      [0, 2],
      [1, 3],
      [2, 3],
      [3, 2],
    ] as const);
    for (let v = 2; v <= extra + 1; v++) {
      const at =
        created + store.rng.int(1, Math.max(2, Math.floor((t0 - 31 * DAY_MS - created) / HOUR))) * HOUR;
      plan.push({
        at,
        run: (ctx) =>
          uploadVersion(store, ctx(store.rng.pick(authors)), file.rec!, fileBytes(store.rng, path, v)),
      });
    }
  };

  for (const tree of DEMO_TREES) walk(tree, byLogin(tree.owner), {}, tree.name, []);
  plan.sort((a, b) => a.at - b.at);
  for (const step of plan)
    step.run((actor) => ({
      at: new Date(step.at),
      actor,
      ip: actor.ip,
      sessionId: sessionOf(actor, step.at),
    }));

  generateHistory(store, t0);
  store.events.resequence();
}

/** Daily activity for the last 35 days, a few percent of it recorded late (out of processing order). */
function generateHistory(store: BoxStore, t0: number): void {
  for (let day = 35; day >= 1; day--) {
    const start = t0 - day * DAY_MS;
    const weekend = new Date(start).getUTCDay() % 6 === 0;
    const count = weekend ? store.rng.int(2, 8) : store.rng.int(25, 55);
    const times = Array.from(
      { length: count },
      () => start + store.rng.int(7 * 60, 19 * 60) * 60_000 + store.rng.int(0, 59_999),
    ).sort((a, b) => a - b);
    for (const at of times) activityOnce(store, new Date(Math.min(at, t0 - 1000)), { lateProbability: 0.04 });
  }
}
