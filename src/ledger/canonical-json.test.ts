/**
 * RFC 8785 examples (§3.2.2 sample, §3.2.3 sorting, Appendix B number table) as published in the
 * RFC and in cyberphone/json-canonicalization testdata, plus the lossless big-integer path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalize, canonicalizeText } from './canonical-json.ts';
import { findUnsafeIntegers, LosslessNumber, parseLossless, parseLosslessSlowPath } from './lossless-json.ts';
import { randomInt, seededRandom } from './testing.ts';

const double = (bits: string) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
};

test('numbers serialise as in the RFC 8785 Appendix B table', () => {
  const table: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  for (const [bits, expected] of table) {
    assert.equal(canonicalize(double(bits)), expected, bits);
    assert.equal(canonicalize({ n: double(bits) }), `{"n":${expected}}`, bits);
  }
  // The table's NaN and Infinity rows are errors.
  for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
    assert.throws(() => canonicalize(double(bits)), { code: 'LEDGER_JSON_INVALID' }, bits);
  }
});

test('the RFC 8785 §3.2.2 sample canonicalises as published', () => {
  const input = `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
  "literals": [null, true, false]
}`;
  const expected =
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
  assert.equal(canonicalizeText(input), expected);
  // §3.2.4: the same output as UTF-8 bytes.
  const rfcBytes = [
    '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72',
    '75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a',
    '5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31',
    '65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37',
    '5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30',
    '30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d',
  ].join(' ');
  assert.equal(Buffer.from(canonicalizeText(input), 'utf8').toString('hex'), rfcBytes.replaceAll(' ', ''));
});

test('members are sorted by UTF-16 code units as in RFC 8785 §3.2.3', () => {
  const input = `{
  "\\u20ac": "Euro Sign",
  "\\r": "Carriage Return",
  "\\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\\ud83d\\ude00": "Emoji: Grinning Face",
  "\\u0080": "Control",
  "\\u00f6": "Latin Small Letter O With Diaeresis"
}`;
  const expected =
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
    '"\u20ac":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
  assert.equal(canonicalizeText(input), expected);
});

test('the cyberphone test data canonicalises as published', () => {
  const cases: Array<[string, string, string]> = [
    [
      'arrays',
      '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]',
      '[56,{"1":[],"10":null,"d":true}]',
    ],
    [
      'french',
      '{\n  "peach": "This sorting order",\n  "péché": "is wrong according to French",\n  "pêche": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n',
      '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}',
    ],
    [
      'structures',
      '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ { } ],\n  "A": { }\n}',
      '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    ],
    [
      'unicode',
      '{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n',
      '{"Unnormalized Unicode":"\u1e0d\u0307"}',
    ],
    [
      'values',
      '{\n  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n  "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
      '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}',
    ],
    [
      'weird',
      '{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n',
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","\u{1f602}":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ],
  ];
  for (const [name, input, expected] of cases) assert.equal(canonicalizeText(input), expected, name);
  // outhex/simpleString.txt
  const simpleStringHex =
    '22 74 68 69 73 20 69 73 20 61 20 74 65 73 74 20 73 74 72 69 6E 67 20 31 32 33 35 22';
  assert.equal(
    Buffer.from(canonicalizeText('"this is a test string 1235"')).toString('hex'),
    simpleStringHex.replaceAll(' ', '').toLowerCase(),
  );
});

test('integers beyond 2^53 keep their exact digits through parse and canonicalisation', () => {
  const text =
    '{"next_stream_position":1152922976252290886,"chunk_size":2,"negative":-98765432109876543210,"entries":[{"id":18446744073709551615}]}';
  const parsed = parseLossless(text) as Record<string, unknown>;
  assert.ok(parsed.next_stream_position instanceof LosslessNumber);
  assert.equal((parsed.next_stream_position as LosslessNumber).toBigInt(), 1152922976252290886n);
  assert.equal(parsed.chunk_size, 2);
  assert.equal(
    canonicalizeText(text),
    '{"chunk_size":2,"entries":[{"id":18446744073709551615}],"negative":-98765432109876543210,"next_stream_position":1152922976252290886}',
  );
  // Plain JSON.parse would have rounded it: this is what the lossless path prevents.
  assert.notEqual(String(JSON.parse('1152922976252290886')), '1152922976252290886');
  // Idempotent: canonical text canonicalises to itself.
  assert.equal(canonicalizeText(canonicalizeText(text)), canonicalizeText(text));
  assert.equal(
    canonicalize({ a: 1152922976252290886n, b: new LosslessNumber('-9007199254740993') }),
    '{"a":1152922976252290886,"b":-9007199254740993}',
  );
  // Safe integers and non-integers stay ordinary numbers, with JCS number formatting.
  assert.equal(
    canonicalizeText('[9007199254740991, 1234567890123456.5, 12345678901234567e3]'),
    '[9007199254740991,1234567890123456.5,12345678901234567000]',
  );
});

test('only unsafe integer tokens outside strings are singled out', () => {
  const spans = (text: string) => findUnsafeIntegers(text).map(({ start, end }) => text.slice(start, end));
  assert.deepEqual(spans('{"id":"11529229762522908861"}'), []);
  assert.deepEqual(spans('{"a":"x\\"1152922976252290886"}'), []);
  assert.deepEqual(spans('{"a":"\\\\",  "b":1152922976252290886}'), ['1152922976252290886']);
  assert.deepEqual(spans('[123456789012345, 9007199254740991, 9007199254740992,-9007199254740993]'), [
    '9007199254740992',
    '-9007199254740993',
  ]);
  assert.deepEqual(spans('[1152922976252290886.5, 1152922976252290886e0, 0.11529229762522908861]'), []);
  assert.deepEqual(spans('[01152922976252290886]'), []);
  // Digits inside strings are never turned into numbers.
  assert.deepEqual(parseLossless('{"id":"11529229762522908861"}'), { id: '11529229762522908861' });
});

test('the marker path agrees with the exact parser, even when the text contains the marker', () => {
  const texts = [
    '{"entries":[{"id":"1","n":1152922976252290886}],"next_stream_position":1152922976252290886,"chunk_size":1}',
    '[1152922976252290886,{"a":[-98765432109876543210,{"b":18446744073709551616}]},"1152922976252290886"]',
    '1152922976252290886',
    '{"__proto__":1152922976252290886}',
    // A string that starts like the marker: the exact parser must take over and keep it a string.
    '{"a":"\\u0000lossless-integer:5","b":1152922976252290886}',
    '{"\\u0000lossless-integer:7":1,"b":1152922976252290886}',
    '["\\u0000lossless-integer:not digits",1152922976252290886]',
  ];
  for (const text of texts) {
    assert.deepEqual(parseLossless(text), parseLosslessSlowPath(text), text);
  }
  const tricky = parseLossless(texts[4]!) as Record<string, unknown>;
  assert.equal(tricky.a, '\u0000lossless-integer:5');
  assert.ok(tricky.b instanceof LosslessNumber);
  // Deep nesting is refused the same way on every path.
  const deep = `${'['.repeat(1500)}1152922976252290886${']'.repeat(1500)}`;
  assert.throws(() => parseLossless(deep), { code: 'LEDGER_JSON_INVALID' });
  // A number where a member name belongs is not JSON, whatever path the text takes.
  assert.throws(() => parseLossless('{1152922976252290886:1}'), { code: 'LEDGER_JSON_INVALID' });
  assert.throws(() => parseLossless('{"a":1,1152922976252290886:1}'), { code: 'LEDGER_JSON_INVALID' });
});

test('the lossless parser agrees with JSON.parse on random documents', () => {
  const random = seededRandom(8785);
  const pick = <T>(items: T[]) => items[randomInt(random, 0, items.length - 1)]!;
  const strings = [
    '',
    'a',
    'ü',
    '\u20ac',
    '\u{1f600}',
    '"quoted"',
    'back\\slash',
    'line\nbreak',
    '\u0001',
    '1152922976252290886',
    '__proto__',
  ];
  const value = (depth: number): unknown => {
    const kind = randomInt(random, 0, depth > 3 ? 3 : 5);
    if (kind === 0) return pick([null, true, false]);
    if (kind === 1)
      return pick([
        0,
        -0,
        1,
        -1,
        1.5,
        1e-7,
        1e21,
        123456789012345,
        -2.5e-300,
        Math.PI,
        1152922976252290886n,
        -18446744073709551617n,
      ]);
    if (kind === 2 || kind === 3) return pick(strings);
    if (kind === 4) return Array.from({ length: randomInt(random, 0, 4) }, () => value(depth + 1));
    return Object.fromEntries(
      Array.from({ length: randomInt(random, 0, 4) }, () => [pick(strings), value(depth + 1)]),
    );
  };
  // BigInt has no JSON form; write it as its digits, as Box does for large integers.
  const stringify = (v: unknown, indent?: number) =>
    JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `@big:${x}` : x), indent).replace(
      /"@big:(-?[0-9]+)"/g,
      '$1',
    );
  let withBigIntegers = 0;
  for (let i = 0; i < 800; i++) {
    const doc = value(0);
    const text = stringify(doc, randomInt(random, 0, 1) === 1 ? 2 : undefined);
    const exact = parseLosslessSlowPath(text);
    assert.deepEqual(parseLossless(text), exact, text);
    if (/[0-9]{19}/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) {
      withBigIntegers += 1;
      assert.equal(canonicalizeText(text), canonicalize(exact), text);
    } else {
      assert.deepEqual(exact, JSON.parse(text), text);
      assert.equal(canonicalizeText(text), canonicalize(JSON.parse(text)), text);
    }
  }
  assert.ok(withBigIntegers > 20, `only ${withBigIntegers} documents held big integers`);
  // "__proto__" stays an own member, as with JSON.parse, and is canonicalised like any other.
  const slow = parseLosslessSlowPath('{"__proto__":{"x":1},"n":1152922976252290886}') as Record<
    string,
    unknown
  >;
  assert.equal(Object.getPrototypeOf(slow), Object.prototype);
  assert.ok(Object.hasOwn(slow, '__proto__'));
  assert.equal(canonicalize(slow), '{"__proto__":{"x":1},"n":1152922976252290886}');
});

test('invalid JSON is refused on both paths', () => {
  const bad = [
    '',
    '{',
    '[1,]',
    '{"a":1,}',
    "{'a':1}",
    '01',
    '1.',
    '.5',
    '+1',
    'NaN',
    '[1 2]',
    '"\u0001"',
    '"\\x"',
    'tru',
    'nul',
    '{"a" 1}',
    '[] []',
    '"unterminated',
  ];
  for (const text of bad) {
    assert.throws(
      () => parseLossless(text),
      { code: 'LEDGER_JSON_INVALID' },
      `fast: ${JSON.stringify(text)}`,
    );
    assert.throws(
      () => parseLosslessSlowPath(text),
      { code: 'LEDGER_JSON_INVALID' },
      `slow: ${JSON.stringify(text)}`,
    );
    const withBig = `[1152922976252290886, ${text}]`;
    assert.throws(() => parseLossless(withBig), { code: 'LEDGER_JSON_INVALID' }, withBig);
  }
});

test('values outside the JSON data model are refused', () => {
  for (const value of [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    undefined,
    () => 1,
    Symbol('s'),
    [undefined],
    new Map(),
    '\ud800',
    { '\udc00': 1 },
  ]) {
    assert.throws(() => canonicalize(value), { code: 'LEDGER_JSON_INVALID' }, String(value));
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalize(cyclic), { code: 'LEDGER_JSON_INVALID' });
});

test('canonicalize follows JSON.stringify for undefined members and toJSON', () => {
  const value = { b: undefined, a: new Date(Date.UTC(2024, 0, 2)), c: Object.create(null) };
  assert.equal(canonicalize(value), '{"a":"2024-01-02T00:00:00.000Z","c":{}}');
  assert.equal(canonicalize(value), canonicalizeText(JSON.stringify(value)));
});
