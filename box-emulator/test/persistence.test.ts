import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../clock.ts';
import { call, ccgToken, startTestBox, T0 } from './helpers.ts';

test('state survives a restart through statePath: content, events, apps and tokens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'box-emulator-'));
  const statePath = join(dir, 'state.json');
  try {
    const clock = new ManualClock(T0);
    const first = await startTestBox({ statePath, clock });
    const token = await ccgToken(first);
    const file = first.emulator.state.fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    const version = first.emulator.state.uploadNewVersion(file.id, 'persisted bytes');
    const events = first.emulator.state.events().length;
    const apps = first.emulator.apps;
    await first.close();

    const second = await startTestBox({ statePath, clock });
    try {
      assert.deepEqual(second.emulator.apps, apps, 'generated apps are kept');
      assert.equal(second.emulator.state.currentVersion(file.id).id, version.id);
      assert.equal(second.emulator.state.content(file.id).toString(), 'persisted bytes');
      assert.equal(second.emulator.state.events().length, events);
      const me = await call(second, 'GET', '/2.0/users/me', { token });
      assert.equal(me.status, 200, 'tokens issued before the restart still work');
      const next = second.emulator.state.uploadNewVersion(file.id, 'after restart');
      assert.ok(Number(next.id) > Number(version.id), 'ids continue');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
