/**
 * HTTP Range requests (RFC 9110 §14) for previews and downloads: one range of bytes. Several ranges
 * or another unit are answered with the whole content (the RFC lets a server ignore Range); a
 * `bytes=` range that is malformed or lies outside the content is unsatisfiable (416).
 */
import { Transform } from 'node:stream';

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (!header) return { kind: 'full' };
  const value = header.trim();
  if (!/^bytes=/i.test(value)) return { kind: 'full' };
  const spec = value.slice(6).trim();
  if (spec.includes(',')) return { kind: 'full' };
  const m = /^(\d*)-(\d*)$/.exec(spec);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'unsatisfiable' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(last) || start > last || start >= size)
    return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(last, size - 1) };
}

/** Passes on bytes [start, end] of a stream (when the upstream sent everything despite the Range). */
export function sliceBytes(start: number, end: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const from = Math.max(0, start - offset);
      const to = Math.min(chunk.length, end + 1 - offset);
      offset += chunk.length;
      done(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}
