/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the bytes every ledger leaf is made of.
 *
 * - Members are sorted by their names' UTF-16 code units (JavaScript's default string order).
 * - Strings are written as JSON.stringify writes them, which is exactly RFC 8785 §3.2.2.2
 *   (short escapes for \b \t \n \f \r, \u00xx with lowercase hex for other controls, '"' and
 *   '\' escaped, everything else literal); lone surrogates are refused as §3.2.2.2 requires.
 * - Numbers are written as ECMAScript's Number::toString writes them (§3.2.2.3), which is what
 *   String(n) does; -0 becomes 0, NaN and ±Infinity are refused.
 * - Deliberate departure: integers beyond 2^53 (LosslessNumber, or bigint) are written as their
 *   exact digits instead of being rounded to a double. Box sends such integers; rounding them
 *   would make the ledger record a value Box never sent. Such numbers are outside I-JSON, so no
 *   RFC 8785 input is affected.
 *
 * `canonicalize(x)` equals `canonicalizeText(JSON.stringify(x))` for plain JSON data: members whose
 * value is undefined are omitted and `toJSON` is honoured, as JSON.stringify does.
 */
import { LedgerError } from './errors.ts';
import { LosslessNumber, parseLossless } from './lossless-json.ts';

const MAX_DEPTH = 1000;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Canonical JSON text of a value (see the module comment for what is accepted). */
export function canonicalize(value: unknown): string {
  return write(value, 0);
}

/** Canonical JSON text of JSON text, keeping integers beyond 2^53 exactly. */
export function canonicalizeText(jsonText: string): string {
  return canonicalize(parseLossless(jsonText));
}

function fail(reason: string): never {
  throw new LedgerError('LEDGER_JSON_INVALID', `value cannot be canonicalised: ${reason}`);
}

function writeString(value: string): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes a lone surrogate as a \udXXX escape, so the (slower) exact check only
  // runs when such an escape could be in the output.
  if (json.includes('\\ud') && LONE_SURROGATE.test(value)) fail('a string contains a lone surrogate');
  return json;
}

// Strings are built by concatenation: V8 joins them as ropes, which measured faster than
// collecting parts in an array for event-sized objects.
function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) fail('nesting too deep (or a cycle)');
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      if (!Number.isFinite(value)) fail(`${value} is not a JSON number`);
      return String(value); // String(-0) is "0"
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      fail(`a ${typeof value} is not JSON`);
  }
  if (value === null) return 'null';
  if (value instanceof LosslessNumber) return value.text;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) fail('an array holds undefined');
      out += i > 0 ? `,${write(item, depth + 1)}` : write(item, depth + 1);
    }
    return `${out}]`;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(value), depth + 1);
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) fail('only plain objects and arrays are JSON');
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${writeString(key)}:${write(member, depth + 1)}`;
    first = false;
  }
  return `${out}}`;
}
