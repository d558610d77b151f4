/**
 * JSON parsing that keeps integers beyond 2^53 exactly.
 *
 * Box sends stream positions and some ids as JSON numbers larger than Number.MAX_SAFE_INTEGER
 * (e.g. 1152922976252290886); `JSON.parse` would round them to the nearest double and the ledger
 * would then record a value Box never sent. Such integers become `LosslessNumber`s holding the
 * digits, which `canonicalize` writes back unchanged.
 *
 * Ingest throughput matters (≥ 10,000 events/s end to end), so everything runs on the native
 * parser where possible:
 *  1. text without a run of 16 digits (2^53 has 16) cannot hold an unsafe integer: `JSON.parse`;
 *  2. otherwise a string-aware scan finds the unsafe integer tokens; if there are none (the long
 *     runs were inside strings): `JSON.parse`;
 *  3. otherwise each such token is rewritten as a marked string, the text goes through
 *     `JSON.parse`, and a walk turns the marked strings back into `LosslessNumber`s. That is
 *     about twice as fast as a parser written in JavaScript, which matters for whole Box event
 *     pages (hundreds of KiB) whose envelope carries a large `next_stream_position`;
 *  4. if the text itself contains the marker (or the rewrite landed in a member-name position,
 *     i.e. the text is not JSON), the recursive-descent parser below decides, exactly.
 *
 * Duplicate member names keep the last value on every path, exactly as `JSON.parse` does.
 */
import { LedgerError } from './errors.ts';

/** An integer outside the safe range of doubles, kept as its JSON digits. */
export class LosslessNumber {
  readonly text: string;

  constructor(text: string) {
    if (!/^-?(?:0|[1-9][0-9]*)$/.test(text)) {
      throw new LedgerError('LEDGER_JSON_INVALID', 'a lossless number must be a JSON integer');
    }
    this.text = text;
  }

  toBigInt(): bigint {
    return BigInt(this.text);
  }

  toString(): string {
    return this.text;
  }
}

/** A parsed JSON value: what `JSON.parse` returns, plus `LosslessNumber` for unsafe integers. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | LosslessNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

const LONG_DIGIT_RUN = /[0-9]{16}/;

/** Parses JSON text; integers beyond ±(2^53 − 1) come back as `LosslessNumber`. */
export function parseLossless(text: string): JsonValue {
  if (typeof text !== 'string') throw new LedgerError('LEDGER_JSON_INVALID', 'JSON text must be a string');
  if (!LONG_DIGIT_RUN.test(text)) return nativeParse(text);
  const spans = findUnsafeIntegers(text);
  if (spans.length === 0) return nativeParse(text);
  return parseWithMarkers(text, spans) ?? new Parser(text).parseDocument();
}

/** Always uses the recursive-descent parser (for tests that compare the paths). */
export function parseLosslessSlowPath(text: string): JsonValue {
  return new Parser(text).parseDocument();
}

function nativeParse(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new LedgerError('LEDGER_JSON_INVALID', 'text is not valid JSON', { cause: error });
  }
}

export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Positions of the integer number tokens outside strings whose value is not a safe integer. A
 * token starts where JSON allows a value to start (after whitespace, '[', ',', ':' or at the
 * beginning), so digits inside a longer malformed token are never picked.
 */
export function findUnsafeIntegers(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let inString = false;
  let previous = 0x20; // as if preceded by a space
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        i++; // a backslash escapes the next character
      } else if (c === 0x22) {
        inString = false;
      }
      previous = 0x22;
      continue;
    }
    const startsValue =
      previous === 0x20 ||
      previous === 0x0a ||
      previous === 0x0d ||
      previous === 0x09 ||
      previous === 0x5b ||
      previous === 0x2c ||
      previous === 0x3a;
    if (startsValue && (c === 0x2d || (c >= 0x30 && c <= 0x39))) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (match !== null) {
        const literal = match[0];
        if (INTEGER.test(literal) && !Number.isSafeInteger(Number(literal)))
          spans.push({ start: i, end: i + literal.length });
        i += literal.length - 1;
        previous = text.charCodeAt(i);
        continue;
      }
    }
    if (c === 0x22) inString = true;
    previous = c;
  }
  return spans;
}

/**
 * The marker as written into the JSON text (an escape, since U+0000 cannot appear raw in JSON
 * text) and as it reads once parsed.
 */
const MARKER = '\\u0000lossless-integer:';
const MARKER_VALUE = '\u0000lossless-integer:';

function parseWithMarkers(text: string, spans: readonly TextSpan[]): JsonValue | undefined {
  let rewritten = '';
  let last = 0;
  for (const { start, end } of spans) {
    rewritten += `${text.slice(last, start)}"${MARKER}${text.slice(start, end)}"`;
    last = end;
  }
  rewritten += text.slice(last);
  const parsed = nativeParse(rewritten);
  let restored = 0;
  let clash = false;
  const restore = (value: JsonValue, depth: number): JsonValue => {
    if (typeof value === 'string') {
      if (value.charCodeAt(0) !== 0 || !value.startsWith(MARKER_VALUE)) return value;
      const digits = value.slice(MARKER_VALUE.length);
      if (!INTEGER.test(digits)) {
        clash = true;
        return value;
      }
      restored += 1;
      return new LosslessNumber(digits);
    }
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) {
      // Leave it to the exact parser, which refuses such nesting with a proper error.
      clash = true;
      return value;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = restore(value[i]!, depth + 1);
      return value;
    }
    const record = value as { [key: string]: JsonValue };
    for (const key of Object.keys(record)) {
      if (key.charCodeAt(0) === 0 && key.startsWith(MARKER_VALUE)) clash = true;
      record[key] = restore(record[key]!, depth + 1);
    }
    return value;
  };
  const result = restore(parsed, 0);
  // Every marker we wrote must come back as exactly one value; anything else means the text
  // contained the marker itself or was not JSON, and the exact parser decides.
  return clash || restored !== spans.length ? undefined : result;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const MAX_DEPTH = 1000;

/** A small recursive-descent parser with JSON.parse's grammar (RFC 8259), used only on the slow path. */
class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private fail(reason: string): never {
    throw new LedgerError('LEDGER_JSON_INVALID', `text is not valid JSON: ${reason} at offset ${this.pos}`);
  }

  private skipWhitespace(): void {
    const { text } = this;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private parseValue(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.parseObject(depth);
    if (c === 0x5b) return this.parseArray(depth);
    if (c === 0x22) return this.parseString();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    return this.fail('unexpected character');
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private parseObject(depth: number): JsonValue {
    const out: { [key: string]: JsonValue } = {};
    this.pos++; // {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('expected a member name');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue(depth + 1);
      // defineProperty, not assignment: a member named "__proto__" must stay an own property.
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail("expected ',' or '}'");
      this.skipWhitespace();
    }
  }

  private parseArray(depth: number): JsonValue {
    const out: JsonValue[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail("expected ',' or ']'");
      this.skipWhitespace();
    }
  }

  private parseString(): string {
    const { text } = this;
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      if (i >= text.length) this.fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      i += c === 0x5c ? 2 : 1;
    }
    this.pos = i + 1;
    // The native parser decodes escapes and refuses raw control characters exactly as JSON.parse.
    try {
      return JSON.parse(text.slice(start, i + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid string');
    }
  }

  private parseNumber(): JsonValue {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.fail('invalid number');
    const literal = match[0];
    this.pos += literal.length;
    const value = Number(literal);
    if (INTEGER.test(literal) && !Number.isSafeInteger(value)) return new LosslessNumber(literal);
    return value;
  }
}
