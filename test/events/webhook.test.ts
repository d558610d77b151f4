/**
 * The webhook receiver (product.md F2.5): a delivery the local Box signs with the app's keys triggers
 * an immediate poll of the event stream; forged, stale or unsigned deliveries are refused with
 * WEBHOOK_SIGNATURE_INVALID and trigger nothing. Ingestion runs in the background here, with a poll
 * interval of an hour, so any poll after start-up is the webhook's doing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { boxTime, signWebhook } from '../../box-emulator/index.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  type ConnectedOrg,
  connectOrg,
  type EventBox,
  startEventApp,
  startEventBox,
  storedEventIds,
} from './event-support.ts';

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Box webhook deliveries', () => {
  let box: EventBox;
  let app: TestApp;
  let org: ConnectedOrg;
  const polls = () => box.emulator.controls.requests({ pathPrefix: '/2.0/events' });

  before(async () => {
    box = await startEventBox();
    app = await startEventApp(box, { background: true, env: { AUDITOR_INGEST_POLL_INTERVAL: '1h' } });
    org = await connectOrg(app, box.emulator.enterprise.id, 'admin@webhooks.test');
    // The start-up tick found no organisation with Box yet; nothing polls until a delivery.
    await new Promise((r) => setTimeout(r, 200));
    box.emulator.controls.clearRequests();
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  /** A delivery exactly as the local Box signs it, sent to the product in-process. */
  function deliver(
    body: string,
    o: { timestamp?: string; primary?: string | null; secondary?: string | null } = {},
  ) {
    const timestamp = o.timestamp ?? boxTime(box.clock.now());
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=UTF-8',
      'box-delivery-id': crypto.randomUUID(),
      'box-delivery-timestamp': timestamp,
      'box-signature-version': '1',
      'box-signature-algorithm': 'HmacSHA256',
    };
    const primary = o.primary === undefined ? box.ccgApp.webhookPrimaryKey : o.primary;
    const secondary = o.secondary === undefined ? box.ccgApp.webhookSecondaryKey : o.secondary;
    if (primary) headers['box-signature-primary'] = signWebhook(primary, body, timestamp);
    if (secondary) headers['box-signature-secondary'] = signWebhook(secondary, body, timestamp);
    return app.app.inject({ method: 'POST', url: '/api/v1/webhooks/box', headers, payload: body });
  }

  test('a real delivery from the local Box (FILE.UPLOADED on a watched folder) makes the product poll at once and store the upload', async () => {
    const folder = box.emulator.state.folderByPath('Board')!;
    // The CCG app watches the folder, acting as its owner (As-User), as the product's setup would.
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: box.ccgApp.clientId,
      client_secret: box.ccgApp.clientSecret,
      box_subject_type: 'enterprise',
      box_subject_id: box.emulator.enterprise.id,
    });
    const tokenRes = await fetch(`${box.url}/oauth2/token`, { method: 'POST', body: form });
    assert.equal(tokenRes.status, 200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const created = await fetch(`${box.url}/2.0/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${access_token}`,
        'as-user': folder.ownerId,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        target: { id: folder.id, type: 'folder' },
        address: `${app.url}/api/v1/webhooks/box`,
        triggers: ['FILE.UPLOADED'],
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    box.emulator.controls.clearRequests();
    assert.equal(polls().length, 0);

    const file = box.emulator.state.createFile(folder.id, 'Webhook minutes.txt', 'minutes');
    const upload = box.emulator.state.events({ type: 'UPLOAD', itemId: file.id })[0]!;
    await box.emulator.controls.webhooksIdle();
    const delivery = box.emulator.controls.webhookDeliveries().at(-1)!;
    assert.equal(delivery.status, 200, 'the signed delivery was accepted');
    assert.equal(delivery.trigger, 'FILE.UPLOADED');
    await until('the upload to be stored', async () =>
      (await storedEventIds(app.platform.pool.db, org.orgId)).includes(String(upload.event_id)),
    );
    assert.ok(polls().length >= 1, 'the stream was polled after the delivery');
    assert.ok(polls().every((p) => p.status === 200));
  });

  test('forged, stale, future, unsigned and unsupported deliveries are refused and trigger no poll', async () => {
    // Let any poll still running from the previous test finish.
    await new Promise((r) => setTimeout(r, 300));
    box.emulator.controls.clearRequests();
    const body = JSON.stringify({ type: 'webhook_event', id: crypto.randomUUID(), trigger: 'FILE.UPLOADED' });
    const cases: [string, Parameters<typeof deliver>[1], string][] = [
      [
        'forged with a wrong key',
        { primary: 'not-the-key', secondary: 'not-the-key-either' },
        'bad_signature',
      ],
      ['stale (11 minutes old)', { timestamp: boxTime(box.clock.now().getTime() - 11 * 60_000) }, 'stale'],
      ['from the future', { timestamp: boxTime(box.clock.now().getTime() + 5 * 60_000) }, 'future'],
      ['unsigned', { primary: null, secondary: null }, 'missing_headers'],
    ];
    for (const [what, o, reason] of cases) {
      const res = await deliver(body, o);
      assert.equal(res.statusCode, 401, what);
      assert.equal(res.json().error.code, 'WEBHOOK_SIGNATURE_INVALID', what);
      assert.equal(res.json().error.details.reason, reason, what);
    }
    // A signature over other bytes (a re-serialised body) does not verify either.
    const timestamp = boxTime(box.clock.now());
    const tampered = await app.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/box',
      headers: {
        'content-type': 'application/json',
        'box-delivery-timestamp': timestamp,
        'box-signature-version': '1',
        'box-signature-algorithm': 'HmacSHA256',
        'box-signature-primary': signWebhook(box.ccgApp.webhookPrimaryKey!, body, timestamp),
      },
      payload: body.replace('FILE.UPLOADED', 'FILE.TRASHED'),
    });
    assert.equal(tampered.statusCode, 401);
    const unsupported = await app.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/box',
      headers: {
        'box-delivery-timestamp': timestamp,
        'box-signature-version': '2',
        'box-signature-algorithm': 'HmacSHA256',
        'box-signature-primary': signWebhook(box.ccgApp.webhookPrimaryKey!, body, timestamp),
      },
      payload: body,
    });
    assert.equal(unsupported.statusCode, 401);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(polls().length, 0, 'no refused delivery made the product poll');
  });

  test('either key verifies (rotation), and Box retrying the same delivery polls once', async () => {
    await new Promise((r) => setTimeout(r, 300));
    box.emulator.controls.clearRequests();
    const id = crypto.randomUUID();
    const body = JSON.stringify({ type: 'webhook_event', id, trigger: 'FILE.UPLOADED' });
    const res = await deliver(body, { primary: 'an old key being rotated out' });
    assert.equal(res.statusCode, 200, res.body);
    await until('a poll', () => polls().length >= 1);
    const after = polls().length;
    const again = await deliver(body, { secondary: null });
    assert.equal(again.statusCode, 200);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(polls().length, after, 'the retry of the same delivery did not poll again');
  });
});
