import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../clock.ts';
import { createBoxEmulator } from '../index.ts';
import { T0 } from './helpers.ts';

function snapshot(seed: number, demo = true) {
  const emu = createBoxEmulator({ seed, demo, clock: new ManualClock(T0) });
  const s = emu.state;
  const result = {
    enterprise: s.enterprise,
    users: s.users().filter((u) => u.kind !== 'service_account'),
    folders: s.folders(),
    files: s.files(),
    events: s.events(),
    userEvents: s.store.events.user.map((e) => e.json),
    collabs: [...s.store.collabs.values()],
  };
  return { emu, result: JSON.parse(JSON.stringify(result)) };
}

describe('the generated enterprise', () => {
  test('the same seed generates the same enterprise, events included', async () => {
    const a = snapshot(7);
    const b = snapshot(7);
    assert.deepEqual(a.result, b.result);
    await Promise.all([a.emu.close(), b.emu.close()]);
  });

  test('a different seed generates a different enterprise', async () => {
    const a = snapshot(1);
    const b = snapshot(2);
    assert.notDeepEqual(a.result.events, b.result.events);
    await Promise.all([a.emu.close(), b.emu.close()]);
  });

  test('Demo Co has the documented users, a folder tree with versioned files, collaborations and ~30 days of history', async () => {
    const { emu, result } = snapshot(1);
    const s = emu.state;
    assert.equal(result.enterprise.name, 'Demo Co');
    assert.equal(s.user('admin@demo.example').role, 'admin');
    assert.equal(s.user('admin@demo.example').name, 'Demo Admin');
    assert.equal(s.user('coadmin@demo.example').role, 'coadmin');
    assert.equal(s.user('user@demo.example').role, 'user');
    assert.ok(result.users.filter((u: { kind: string }) => u.kind === 'managed').length >= 11);
    assert.ok(s.files().length >= 100 && s.files().length <= 250, `${s.files().length} files`);
    assert.ok(s.folders().some((f) => s.pathOf(f) === 'Finance/2025/Q1'));
    assert.ok(
      s.files().filter((f) => f.versions.length >= 3).length > 30,
      'many files have several versions',
    );
    for (const f of s.files().slice(0, 50))
      for (const v of f.versions) assert.match(v.sha1, /^[0-9a-f]{40}$/);
    assert.ok(result.collabs.length > 10);
    const now = Date.parse(T0);
    const times = result.events.map((e: { created_at: string }) => Date.parse(e.created_at));
    assert.ok(times.every((t: number) => t <= now));
    const lastMonth = times.filter((t: number) => t > now - 30 * 86_400_000).length;
    assert.ok(lastMonth > 500, `${lastMonth} events in the last 30 days`);
    const types = new Set(result.events.map((e: { event_type: string }) => e.event_type));
    for (const t of [
      'UPLOAD',
      'EDIT',
      'PREVIEW',
      'DOWNLOAD',
      'COLLABORATION_INVITE',
      'LOGIN',
      'MOVE',
      'RENAME',
      'DELETE',
    ])
      assert.ok(types.has(t), t);
    await emu.close();
  });

  test('without demo there is only an empty enterprise with an admin and the apps', async () => {
    const { emu, result } = snapshot(1, false);
    assert.deepEqual(
      result.users.map((u: { login: string; role: string }) => [u.login, u.role]),
      [['admin@example.com', 'admin']],
    );
    assert.equal(result.files.length, 0);
    assert.equal(result.events.length, 0);
    assert.ok(!JSON.stringify(result).includes('demo.example'));
    assert.equal(emu.apps.length, 2);
    assert.notEqual(
      emu.apps[0]!.clientSecret,
      createBoxEmulator({ demo: false }).apps[0]!.clientSecret,
      'secrets are random',
    );
    await emu.close();
  });
});
