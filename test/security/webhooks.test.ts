/**
 * Box webhook deliveries (quality.md §4, product.md F2.5): `POST /api/v1/webhooks/box` accepts only
 * what Box signed — HMAC-SHA256 over the raw body and the delivery timestamp with the app's primary or
 * secondary key, at most 10 minutes old. Forged, tampered, replayed (older than 10 minutes), stale,
 * future-dated, unsigned and unsupported deliveries are refused with 401 WEBHOOK_SIGNATURE_INVALID;
 * the genuine delivery, signed as the local Box signs it, is accepted.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { boxTime, signWebhook } from '../../box-emulator/index.ts';
import { startVerifyEnv, type VerifyEnv } from '../verification/verification-support.ts';

describe('Box webhook signatures', () => {
  let e: VerifyEnv;
  let keys: { primary: string; secondary: string };

  before(async () => {
    e = await startVerifyEnv();
    const ccg = e.box.emulator.apps.find((a) => a.kind === 'ccg')!;
    keys = { primary: ccg.webhookPrimaryKey!, secondary: ccg.webhookSecondaryKey! };
    assert.ok(keys.primary && keys.secondary, 'the local Box app has webhook keys');
  });
  after(async () => {
    await e?.stop();
  });

  const bodyOf = (id = randomUUID()) =>
    JSON.stringify({
      type: 'webhook_event',
      id,
      created_at: boxTime(e.box.clock.now()),
      trigger: 'FILE.UPLOADED',
      source: { id: '12345', type: 'file' },
    });

  interface Delivery {
    body: string;
    headers: Record<string, string>;
  }
  /** A delivery signed as the local Box signs it (both keys), at the clock's time unless told. */
  function signed(
    body = bodyOf(),
    o: { timestamp?: string; primary?: string | null; secondary?: string | null } = {},
  ): Delivery {
    const timestamp = o.timestamp ?? boxTime(e.box.clock.now());
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=UTF-8',
      'box-delivery-id': randomUUID(),
      'box-delivery-timestamp': timestamp,
      'box-signature-version': '1',
      'box-signature-algorithm': 'HmacSHA256',
    };
    const primary = o.primary === undefined ? keys.primary : o.primary;
    const secondary = o.secondary === undefined ? keys.secondary : o.secondary;
    if (primary) headers['box-signature-primary'] = signWebhook(primary, body, timestamp);
    if (secondary) headers['box-signature-secondary'] = signWebhook(secondary, body, timestamp);
    return { body, headers };
  }
  const deliver = (d: Delivery) =>
    e.app.app.inject({ method: 'POST', url: '/api/v1/webhooks/box', headers: d.headers, payload: d.body });

  async function refused(d: Delivery, reason: string) {
    const res = await deliver(d);
    assert.equal(res.statusCode, 401, res.body);
    assert.equal(res.json().error.code, 'WEBHOOK_SIGNATURE_INVALID');
    assert.equal(res.json().error.details?.reason, reason);
  }

  test('a genuine delivery is accepted, signed with both keys or with either one (key rotation)', async () => {
    for (const o of [{}, { secondary: null }, { primary: null }]) {
      const res = await deliver(signed(bodyOf(), o));
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { status: 'accepted' });
    }
  });

  test('a forged delivery, signed with keys that are not the app’s, is refused', async () => {
    const fake = randomBytes(24).toString('hex');
    await refused(signed(bodyOf(), { primary: fake, secondary: fake }), 'bad_signature');
    // A signature that is not even base64 of the right length.
    const d = signed();
    d.headers['box-signature-primary'] = 'not-a-signature';
    d.headers['box-signature-secondary'] = '';
    await refused(d, 'bad_signature');
  });

  test('a genuine signature over a changed body or a changed timestamp is refused', async () => {
    const d = signed();
    await refused({ ...d, body: d.body.replace('FILE.UPLOADED', 'FILE.DELETED') }, 'bad_signature');
    // Same bytes plus whitespace: the signature covers the exact bytes, not the JSON value.
    await refused({ ...d, body: `${d.body} ` }, 'bad_signature');
    const later = boxTime(new Date(e.box.clock.now().getTime() + 1000));
    await refused({ ...d, headers: { ...d.headers, 'box-delivery-timestamp': later } }, 'bad_signature');
  });

  test('a genuine delivery replayed more than 10 minutes later is refused', async () => {
    const captured = signed();
    assert.equal((await deliver(captured)).statusCode, 200, 'accepted when fresh');
    e.box.clock.advance(10 * 60_000 + 1000);
    await refused(captured, 'stale');
  });

  test('deliveries signed with a stale or a future timestamp are refused', async () => {
    const now = e.box.clock.now().getTime();
    await refused(signed(bodyOf(), { timestamp: boxTime(now - 11 * 60_000) }), 'stale');
    await refused(signed(bodyOf(), { timestamp: boxTime(now + 10 * 60_000) }), 'future');
  });

  test('unsigned, unsupported and header-less deliveries are refused', async () => {
    await refused(signed(bodyOf(), { primary: null, secondary: null }), 'missing_headers');
    const v2 = signed();
    v2.headers['box-signature-version'] = '2';
    await refused(v2, 'unsupported');
    const sha1 = signed();
    sha1.headers['box-signature-algorithm'] = 'HmacSHA1';
    await refused(sha1, 'unsupported');
    const noTime = signed();
    delete noTime.headers['box-delivery-timestamp'];
    await refused(noTime, 'missing_headers');
    const garbageTime = signed(bodyOf(), { timestamp: 'yesterday' });
    await refused(garbageTime, 'missing_headers');
  });
});
