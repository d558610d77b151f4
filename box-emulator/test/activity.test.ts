import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { ManualClock } from '../clock.ts';
import { createBoxEmulator } from '../index.ts';
import { call, startTestBox, T0, type TestBox } from './helpers.ts';

describe('the activity generator', () => {
  let box: TestBox;
  before(async () => {
    box = await startTestBox();
  });
  after(() => box.close());

  test('generating activity now records realistic events at the clock’s time', async () => {
    box.clock.advanceSeconds(60);
    const before = box.emulator.state.events().length;
    const result = box.emulator.controls.generateActivity(200);
    assert.equal(result.generated, 200);
    const fresh = box.emulator.state.events().slice(before);
    assert.ok(fresh.length >= 150, `${fresh.length} events`);
    assert.ok(fresh.every((e) => e.created_at === '2025-06-02T09:01:00+00:00'));
    const types = new Set(fresh.map((e) => e.event_type));
    for (const t of ['PREVIEW', 'DOWNLOAD', 'EDIT']) assert.ok(types.has(t), t);
    assert.ok(Object.keys(result.kinds).length >= 6);
  });

  test('POST /_emulator/activity generates events and the summary counts them', async () => {
    const before = (await call(box, 'GET', '/_emulator/state/summary')).body;
    const res = await call(box, 'POST', '/_emulator/activity', { json: { events: 20 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.generated, 20);
    const afterwards = (await call(box, 'GET', '/_emulator/state/summary')).body;
    assert.ok(afterwards.enterpriseEvents > before.enterpriseEvents);
    assert.equal((await call(box, 'POST', '/_emulator/activity', { json: { events: -1 } })).status, 400);
  });

  test('the background generator runs at the configured rate', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const emu = createBoxEmulator({
        demo: true,
        clock: new ManualClock(T0),
        activity: { eventsPerMinute: 30 },
      });
      const before = emu.controls.summary().enterpriseEvents as number;
      mock.timers.tick(60_000);
      const generated = (emu.controls.summary().enterpriseEvents as number) - before;
      assert.ok(generated >= 20 && generated <= 60, `${generated} events in a minute`);
      await emu.close();
      mock.timers.tick(60_000);
      assert.equal((emu.controls.summary().enterpriseEvents as number) - before, generated, 'stops on close');
    } finally {
      mock.timers.reset();
    }
  });
});
