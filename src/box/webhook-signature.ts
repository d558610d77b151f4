/**
 * Box webhook signatures (v2): base64 HMAC-SHA256 over the raw body bytes followed by the
 * BOX-DELIVERY-TIMESTAMP header bytes, with the primary and the secondary key; valid when either
 * matches (key rotation) and the timestamp is within 10 minutes (plus a little clock skew).
 * Verify the raw bytes: a re-serialised body would not match.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookKeys {
  primary?: string | undefined;
  secondary?: string | undefined;
}

export type WebhookVerdict =
  | { ok: true }
  | {
      ok: false;
      reason: 'missing_headers' | 'unsupported' | 'stale' | 'future' | 'bad_signature' | 'no_keys';
    };

function lower(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? (v[0] ?? '') : v;
  return out;
}

function matches(
  key: string | undefined,
  body: Buffer,
  timestamp: string,
  signature: string | undefined,
): boolean {
  if (!key || !signature) return false;
  const expected = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(body)
    .update(Buffer.from(timestamp, 'utf8'))
    .digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function verifyWebhookSignature(o: {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
  keys: WebhookKeys;
  now: Date;
  maxAgeSeconds?: number;
  skewSeconds?: number;
}): WebhookVerdict {
  if (!o.keys.primary && !o.keys.secondary) return { ok: false, reason: 'no_keys' };
  const h = lower(o.headers);
  const timestamp = h['box-delivery-timestamp'];
  if (!timestamp || (!h['box-signature-primary'] && !h['box-signature-secondary']))
    return { ok: false, reason: 'missing_headers' };
  if (h['box-signature-version'] !== '1' || h['box-signature-algorithm'] !== 'HmacSHA256')
    return { ok: false, reason: 'unsupported' };
  const sent = Date.parse(timestamp);
  if (Number.isNaN(sent)) return { ok: false, reason: 'missing_headers' };
  const age = (o.now.getTime() - sent) / 1000;
  if (age > (o.maxAgeSeconds ?? 600)) return { ok: false, reason: 'stale' };
  if (age < -(o.skewSeconds ?? 60)) return { ok: false, reason: 'future' };
  const ok =
    matches(o.keys.primary, o.body, timestamp, h['box-signature-primary']) ||
    matches(o.keys.secondary, o.body, timestamp, h['box-signature-secondary']);
  return ok ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
