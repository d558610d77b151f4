/**
 * Schema-driven fuzzing (quality.md §4, product.md §5): every route of every service — identity
 * included — gets bad inputs generated from its own schema (the OpenAPI document the app serves,
 * which fastify-type-provider-zod derives from the routes' zod schemas), with a fixed seed:
 * oversized strings, wrong types, unicode (RTL overrides, emoji, NUL, combining marks, lone
 * surrogates), SQL and template payloads, path traversal (plain and encoded), huge and negative
 * numbers, repeated parameters, malformed cursors, prototype-pollution keys, malformed JSON, bodies of
 * the wrong shape, wrong content types and oversized bodies. Each is sent as a signed-in audit admin
 * and as an anonymous caller (service routes also with the service secret).
 *
 * Every generated input is checked against the route's schema first (ajv): only inputs the schema
 * rejects are "invalid" and must get a 4xx. Inputs the schema accepts but that are hostile anyway
 * (SQL in a free-text search, a number beyond any row) are sent only to signed-in reads and must not
 * get a 5xx. Nothing may hang, and the row count of every table of every schema is the same after a
 * route's inputs as before. Routes outside the OpenAPI document (service routes, static files, docs)
 * get schema-less structural cases; static routes also path traversal, which must never serve a
 * file from outside the web app.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../support/test-app.ts';
import { startVerifyEnv, tokenOf, type VerifyEnv } from '../verification/verification-support.ts';
import { tableCounts } from './security-fixture.ts';

const SEED = 20_260_302;
/** Invalid inputs per route and caller at most, and hostile-but-valid ones on top. */
const INVALID_PER_ROUTE = 20;
const HOSTILE_PER_ROUTE = 6;
const REQUEST_TIMEOUT_MS = 15_000;

type Json = unknown;
type Schema = Record<string, unknown>;
interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}
interface Operation {
  method: string;
  /** Fastify's template (`/api/v1/audit-sets/:id`). */
  route: string;
  service: string;
  auth: 'public' | 'user' | 'service';
  params: Param[];
  body?: Schema;
}
interface Case {
  /** What is wrong with it, for failure messages. */
  what: string;
  category: string;
  /** invalid: the schema rejects it (4xx). hostile: the schema accepts it (no 5xx). */
  kind: 'invalid' | 'hostile';
  url: string;
  method: string;
  payload?: string | Buffer;
  contentType?: string;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function hashOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values.

const HOSTILE_STRINGS: [string, string][] = [
  ['SQL tautology', "' OR 1=1 --"],
  ['SQL statement', '1; DROP TABLE audit.sets; --'],
  ['SQL sleep', "'; select pg_sleep(10); --"],
  ['path traversal', '../../etc/passwd'],
  ['encoded path traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['double-encoded path traversal', '%252e%252e%252fetc%252fpasswd'],
  ['RTL override', '\u202Eevil.pdf'],
  ['emoji', '😀🔥'.repeat(20)],
  ['NUL', 'a\u0000b'],
  ['combining marks', `e${'\u0301\u0302\u0303'.repeat(30)}`],
  ['lone surrogate', 'x\uD800y'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is a template-injection probe
  ['template injection', '${7*7}{{7*7}}<%= 7*7 %>'],
  ['markup', '<script>alert(1)</script>'],
  ['header injection', 'a\r\nX-Injected: 1'],
];

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const MALFORMED_CURSORS: [string, string][] = [
  ['a cursor that is not base64', '%%%not-a-cursor%%%'],
  ['a cursor of the wrong shape', b64('{"d":"a","k":{"nope":1}}')],
  ['a cursor of null', b64('null')],
  ['a cursor with an unknown direction', b64('{"d":"x","k":{}}')],
  ['a cursor holding SQL', b64(`{"d":"a","k":{"id":"' OR 1=1 --","createdAt":"x"}}`)],
];

const typeOf = (s: Schema): string | undefined => {
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null') as string | undefined;
  if (s.enum) return 'string';
  if (s.properties) return 'object';
  return undefined;
};
const variants = (s: Schema): Schema[] =>
  ((s.anyOf ?? s.oneOf) as Schema[] | undefined)?.filter((v) => v.type !== 'null') ?? [s];

/** A value the schema accepts (as well as can be told; the cases are checked against it anyway). */
function validValue(schema: Schema, depth = 0): Json {
  const s = variants(schema)[0] ?? schema;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.const !== undefined) return s.const;
  switch (typeOf(s)) {
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? Math.max(s.minimum, 1) : 1;
    case 'boolean':
      return true;
    case 'array':
      return (s.minItems as number | undefined)
        ? Array.from({ length: s.minItems as number }, () => validValue(s.items as Schema, depth + 1))
        : [];
    case 'object': {
      const out: Record<string, Json> = {};
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const k of (s.required as string[] | undefined) ?? [])
        if (props[k] && depth < 6) out[k] = validValue(props[k], depth + 1);
      return out;
    }
    default: {
      const pattern = String(s.pattern ?? '');
      if (s.format === 'uuid' || pattern.includes('[0-9a-fA-F]{8}')) return randomUUID();
      if (s.format === 'email' || pattern.includes('@')) return 'fuzz@example.test';
      if (s.format === 'date-time' || pattern.includes('T(?:')) return '2026-03-01T00:00:00Z';
      if (pattern.includes('\\d{1,20}') || pattern === '^\\d+$') return '12345';
      if (pattern.includes('[0-9A-Za-z_-]')) return 'abc123';
      if (pattern.includes('\\d{4}-(0[1-9]')) return '2026-03';
      const min = (s.minLength as number | undefined) ?? 1;
      return 'x'.repeat(Math.min(Math.max(min, 1), (s.maxLength as number | undefined) ?? 64));
    }
  }
}

/** Bad values for one schema: [category, description, value]. */
function badValues(schema: Schema, where: 'path' | 'query' | 'body'): [string, string, Json][] {
  const inBody = where === 'body';
  const s = variants(schema)[0] ?? schema;
  const out: [string, string, Json][] = [];
  const type = typeOf(s);
  if (Array.isArray(s.enum)) out.push(['enum', 'a value outside the enum', 'NOT_IN_THE_ENUM']);
  switch (type) {
    case 'integer':
    case 'number':
      out.push(
        ['number', 'a word instead of a number', 'abc'],
        ['number', 'a negative number', -1],
        ['number', 'zero', 0],
        ['number', 'a fraction', 1.5],
        ['number', 'a number beyond double precision', '1e309'],
        ['number', 'a huge number', '99999999999999999999999'],
        ['number', 'a huge negative number', '-99999999999999999999999'],
        ['number', 'NaN', 'NaN'],
      );
      if (typeof s.maximum === 'number') out.push(['number', 'one above the maximum', s.maximum + 1]);
      break;
    case 'boolean':
      out.push(['type', 'a word instead of a boolean', 'yes'], ['type', 'a number instead of a boolean', 2]);
      break;
    case 'array':
      out.push(
        ['type', 'a string instead of an array', 'not-an-array'],
        ['type', 'an array of nulls', [null]],
      );
      if (typeof s.maxItems === 'number' && s.maxItems <= 5000)
        out.push([
          'size',
          `${s.maxItems + 1} entries (more than allowed)`,
          Array.from({ length: s.maxItems + 1 }, () => validValue(s.items as Schema)),
        ]);
      break;
    case 'object':
      out.push(['type', 'a string instead of an object', 'x'], ['type', 'an array instead of an object', []]);
      break;
    default:
      // NUL has its own category, so every route with a string input gets one (product.md §5).
      for (const [what, v] of HOSTILE_STRINGS) out.push([what === 'NUL' ? 'nul' : 'hostile', what, v]);
      out.push([
        'size',
        'an oversized string',
        'x'.repeat(Math.min(((s.maxLength as number | undefined) ?? 100_000) + 1, 200_000)),
      ]);
      // An empty path parameter is another URL (another route), not a value of this one.
      if (where !== 'path') out.push(['size', 'an empty string', '']);
      if (inBody) out.push(['type', 'a number instead of a string', 12345], ['type', 'an object', { a: 1 }]);
  }
  if (inBody) out.push(['type', 'null', null]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Operations from the served OpenAPI document, matched to the route table.

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Param[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      }
    >
  >;
}

function operationsOf(app: TestApp): { documented: Operation[]; undocumented: Operation[] } {
  const doc = app.app.swagger() as unknown as OpenApi;
  const documented: Operation[] = [];
  const undocumented: Operation[] = [];
  for (const r of app.routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths[path]?.[r.method.toLowerCase()];
    const base = { method: r.method, route: r.url, service: r.service, auth: r.auth };
    if (!op) {
      undocumented.push({ ...base, params: [] });
      continue;
    }
    const body = op.requestBody?.content?.['application/json']?.schema;
    documented.push({
      ...base,
      params: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
      ...(body ? { body } : {}),
    });
  }
  return { documented, undocumented };
}

const ajv = new Ajv({ strict: false, validateFormats: false, coerceTypes: true, allErrors: false });
const validators = new Map<Schema, ReturnType<Ajv['compile']>>();
function accepts(schema: Schema, value: Json): boolean {
  let v = validators.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(schema, v);
  }
  return v(structuredClone(value)) as boolean;
}

function paramsSchema(params: Param[]): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required || p.in === 'path').map((p) => p.name),
  };
}

/** Percent-encoding that also carries lone surrogates: as the bytes of invalid UTF-8 (ED A0 80). */
function encode(value: unknown): string {
  return encodeURIComponent(String(value).replace(/[\uD800-\uDFFF]/g, '\uE000')).replaceAll(
    '%EE%80%80',
    '%ED%A0%80',
  );
}

function buildUrl(op: Operation, values: Record<string, Json>): string {
  let url = op.route;
  const query: string[] = [];
  for (const p of op.params) {
    const v = values[p.name];
    if (v === undefined) continue;
    const list = Array.isArray(v) && p.in === 'query' ? v : [v];
    if (p.in === 'path') url = url.replace(`:${p.name}`, encode(v));
    else for (const x of list) query.push(`${encode(p.name)}=${encode(x)}`);
  }
  return query.length ? `${url}?${query.join('&')}` : url;
}

/** Every candidate case of a documented route, each labelled invalid or hostile by its schema. */
function casesOf(op: Operation): Case[] {
  const out: Case[] = [];
  const pSchema = paramsSchema(op.params);
  const baseParams: Record<string, Json> = {};
  for (const p of op.params)
    if (p.required || p.in === 'path') baseParams[p.name] = String(validValue(p.schema));
  const baseBody = op.body ? validValue(op.body) : undefined;
  const withBody = (body: Json | undefined) =>
    body === undefined ? {} : { payload: JSON.stringify(body), contentType: 'application/json' };
  /** A NUL is invalid whatever the schema says: PostgreSQL text cannot hold it (product.md §5). */
  const holdsNul = (v: Json) => JSON.stringify(v ?? null).includes('\\u0000');
  const push = (what: string, category: string, params: Record<string, Json>, body: Json | undefined) => {
    const valid =
      !holdsNul(params) &&
      !holdsNul(body) &&
      accepts(pSchema, params) &&
      (op.body === undefined || accepts(op.body, body));
    out.push({
      what,
      category,
      kind: valid ? 'hostile' : 'invalid',
      method: op.method,
      url: buildUrl(op, params),
      ...withBody(body),
    });
  };

  for (const p of op.params) {
    for (const [category, what, v] of badValues(p.schema, p.in))
      push(`${p.in} ${p.name}: ${what}`, `${p.in}-${category}`, { ...baseParams, [p.name]: v }, baseBody);
    if (p.in === 'query') {
      push(
        `query ${p.name} given twice`,
        'query-repeated',
        { ...baseParams, [p.name]: [validValue(p.schema), validValue(p.schema)] },
        baseBody,
      );
      if (p.name === 'cursor' || p.name === 'marker')
        for (const [what, v] of MALFORMED_CURSORS)
          out.push({
            what,
            category: 'cursor',
            kind: 'invalid',
            method: op.method,
            url: buildUrl(op, { ...baseParams, [p.name]: v }),
            ...withBody(baseBody),
          });
    }
  }
  if (op.params.some((p) => p.in === 'path')) {
    // Traversal in the raw path, outside any parameter: another route or nothing, never a file.
    const raw = op.route.replace(/:(\w+)/, '..%2F..%2F..%2Fetc%2Fpasswd');
    out.push({
      what: 'encoded traversal in the path',
      category: 'path-raw',
      kind: 'invalid',
      method: op.method,
      url: raw,
      ...withBody(baseBody),
    });
  }

  if (op.body) {
    const body = op.body;
    const props = (variants(body)[0]?.properties ?? {}) as Record<string, Schema>;
    for (const [name, schema] of Object.entries(props)) {
      const base = (baseBody ?? {}) as Record<string, Json>;
      for (const [category, what, v] of badValues(schema, 'body'))
        push(`body ${name}: ${what}`, `body-${category}`, baseParams, { ...base, [name]: v });
      // One level down: arrays of objects (rules, collaborators) with a bad field inside.
      const item = schema.items as Schema | undefined;
      if (typeOf(schema) === 'array' && item && typeOf(item) === 'object') {
        const inner = (item.properties ?? {}) as Record<string, Schema>;
        for (const [innerName, innerSchema] of Object.entries(inner))
          for (const [category, what, v] of badValues(innerSchema, 'body').slice(0, 4))
            push(`body ${name}[0].${innerName}: ${what}`, `body-nested-${category}`, baseParams, {
              ...base,
              [name]: [{ ...(validValue(item) as Record<string, Json>), [innerName]: v }],
            });
      }
    }
    for (const k of (variants(body)[0]?.required as string[] | undefined) ?? []) {
      const rest = { ...(baseBody as Record<string, Json>) };
      delete rest[k];
      push(`body without ${k}`, 'body-missing', baseParams, rest);
    }
    push('an unknown body property', 'body-extra', baseParams, {
      ...(baseBody as Record<string, Json>),
      unexpectedProperty: 'x',
    });
    for (const [what, v] of [
      ['an array body', []],
      ['a string body', 'just a string'],
      ['a number body', 42],
      ['a null body', null],
    ] as const)
      push(what, 'body-shape', baseParams, v);
  }
  const url = buildUrl(op, baseParams);
  if (op.method !== 'GET') out.push(...structuralCases(op.method, url, op.body !== undefined));
  return out;
}

/** Bodies that are broken whatever the schema: malformed JSON, prototype keys, wrong types, too big. */
function structuralCases(method: string, url: string, hasBody: boolean): Case[] {
  const c = (what: string, category: string, payload: string | Buffer, contentType?: string): Case => ({
    what,
    category,
    kind: 'invalid',
    method,
    url,
    payload,
    ...(contentType ? { contentType } : {}),
  });
  const cases = [
    c('truncated JSON', 'json-malformed', '{"name":', 'application/json'),
    c('single-quoted JSON', 'json-malformed', "{'name':'x'}", 'application/json'),
    c('trailing garbage after JSON', 'json-malformed', '{"a":1}}', 'application/json'),
    c('a NUL byte as JSON', 'json-malformed', '\u0000', 'application/json'),
    c(
      'JSON nested 50,000 deep',
      'json-malformed',
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      'application/json',
    ),
    c('a __proto__ key', 'json-prototype', '{"__proto__":{"isAdmin":true}}', 'application/json'),
    c(
      'a constructor.prototype key',
      'json-prototype',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      'application/json',
    ),
    c('XML', 'content-type', '<name>x</name>', 'application/xml'),
    c(
      'a multipart body',
      'content-type',
      '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--b--\r\n',
      'multipart/form-data; boundary=b',
    ),
    c('a body larger than the limit', 'size', Buffer.alloc(1_200_000, 0x61), 'application/json'),
  ];
  if (hasBody) cases.push(c('a plain-text body', 'content-type', 'name=x', 'text/plain'));
  return cases;
}

/** Static routes (`/assets/*`, `/*`, docs): traversal must never reach a file outside the web app. */
function staticCases(route: string): Case[] {
  const prefix = route.replace(/\*$/, '');
  return [
    '../../../../etc/passwd',
    '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '..%252F..%252F..%252Fetc%252Fpasswd',
    '....//....//....//etc/passwd',
    '..\\..\\..\\..\\etc\\passwd',
    '../../../package.json',
    '%00',
    '..%00/etc/passwd',
    `${'a/'.repeat(2000)}x`,
  ].map((tail) => ({
    what: `static path ${tail.slice(0, 40)}`,
    category: 'static-traversal',
    kind: 'hostile' as const,
    method: 'GET',
    url: `${prefix}${tail}`,
  }));
}

/** Round-robin over categories in seeded order, so every kind of mistake is represented. */
function sample(cases: Case[], n: number, random: () => number): Case[] {
  const groups = new Map<string, Case[]>();
  for (const c of shuffled(cases, random)) groups.set(c.category, [...(groups.get(c.category) ?? []), c]);
  const order = shuffled([...groups.keys()], random);
  const out: Case[] = [];
  while (out.length < n && order.some((k) => (groups.get(k) ?? []).length > 0))
    for (const k of order) {
      const next = groups.get(k)?.shift();
      if (next && out.length < n) out.push(next);
    }
  return out;
}

// ---------------------------------------------------------------------------------------------

const FORBIDDEN_CONTENT = [
  /root:.*:0:0:/,
  /"name":\s*"auditor-for-box"/,
  /BEGIN (RSA |EC |)PRIVATE KEY/,
  /PRIVATE\+KEY\+/,
];

async function send(app: TestApp, c: Case, authorization?: string): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      app.app.inject({
        method: c.method as 'GET',
        url: c.url,
        headers: {
          ...(authorization ? { authorization } : {}),
          ...(c.contentType ? { 'content-type': c.contentType } : {}),
        },
        ...(c.payload !== undefined ? { payload: c.payload } : {}),
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer (hang)')), REQUEST_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('schema-driven fuzzing of every route (fixed seed)', () => {
  let e: VerifyEnv;
  let app: TestApp;
  let admin: string;
  let ops: ReturnType<typeof operationsOf>;
  const totals = { routes: 0, requests: 0, invalid: 0, hostile: 0 };
  /** Requests per kind of mistake (the case's category, without where it was put). */
  const kinds = new Map<string, number>();

  before(async () => {
    e = await startVerifyEnv();
    app = e.app;
    admin = `Bearer ${await tokenOf(e, 'admin')}`;
    ops = operationsOf(app);
  });
  after(async () => {
    await e?.stop();
  });

  /**
   * Sends every case as each caller: invalid inputs to all of them; hostile-but-valid ones only to
   * `hostileTo` (callers for whom a valid input cannot write: signed-in reads, static files).
   */
  async function fuzz(op: Operation, cases: Case[], hostileTo: string[]): Promise<string[]> {
    const callers: [string, string | undefined][] = [
      ['audit admin', admin],
      ['anonymous', undefined],
    ];
    if (op.auth === 'service') callers.push(['service', `Service ${app.platform.serviceSecret}`]);
    const problems: string[] = [];
    const before = await tableCounts(app);
    for (const c of cases) {
      for (const [who, authorization] of callers) {
        if (c.kind === 'hostile' && !hostileTo.includes(who)) continue;
        totals.requests++;
        totals[c.kind]++;
        const kind = c.category.replace(/^(path|query|body|body-nested)-/, '');
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        let res: LightMyRequestResponse;
        try {
          res = await send(app, c, authorization);
        } catch (err) {
          problems.push(`${who}, ${c.what}: ${(err as Error).message}`);
          continue;
        }
        const s = res.statusCode;
        if (s >= 500) problems.push(`${who}, ${c.what}: ${s} ${res.body.slice(0, 200)}`);
        else if (c.kind === 'invalid' && (s < 400 || s >= 500))
          problems.push(`${who}, ${c.what}: ${s} for an input the schema rejects`);
        const leaked = FORBIDDEN_CONTENT.find((re) => re.test(res.body));
        if (leaked) problems.push(`${who}, ${c.what}: the answer contains ${leaked}`);
      }
    }
    const afterCounts = await tableCounts(app);
    const changed = Object.keys({ ...before, ...afterCounts }).filter((t) => before[t] !== afterCounts[t]);
    if (changed.length)
      problems.push(
        `rows changed: ${changed.map((t) => `${t} ${before[t]} → ${afterCounts[t]}`).join(', ')}`,
      );
    return problems;
  }

  test('the OpenAPI document covers every public API route; the rest are service, static and docs routes', () => {
    const stray = ops.undocumented.filter(
      (o) =>
        o.route.startsWith('/api/') &&
        // The OpenAPI document itself is served hidden.
        o.route !== '/openapi.json',
    );
    assert.deepEqual(
      stray.map((o) => `${o.method} ${o.route}`),
      [],
      'every /api route is documented (and so fuzzed from its schema)',
    );
    assert.ok(ops.documented.length > 80, `${ops.documented.length} documented operations`);
  });

  // One test per route, created once the app (and its route table) exists.
  test('every route answers hostile input with 4xx, never 5xx, never hangs, and writes nothing', async (t) => {
    const started = Date.now();
    for (const op of [...ops.documented, ...ops.undocumented]) {
      const random = mulberry32(SEED ^ hashOf(`${op.method} ${op.route}`));
      let cases: Case[];
      let hostileTo = ['audit admin'];
      if (ops.documented.includes(op)) {
        const all = casesOf(op);
        const signedInRead = op.method === 'GET' && op.auth === 'user';
        cases = [
          ...sample(
            all.filter((c) => c.kind === 'invalid'),
            INVALID_PER_ROUTE,
            random,
          ),
          ...(signedInRead
            ? sample(
                all.filter((c) => c.kind === 'hostile'),
                HOSTILE_PER_ROUTE,
                random,
              )
            : []),
        ];
      } else if (op.method === 'GET') {
        // Schema-less reads: static files and docs get traversal, the rest junk in the query string.
        cases = op.route.endsWith('*')
          ? staticCases(op.route)
          : sample(
              HOSTILE_STRINGS.map(([what, v]) => ({
                what: `query junk: ${what}`,
                category: 'query-junk',
                kind: 'hostile' as const,
                method: 'GET',
                url: `${op.route.replace(/:(\w+)/g, 'x')}?junk=${encode(v)}`,
              })),
              6,
              random,
            );
        hostileTo = ['audit admin', 'anonymous', 'service'];
      } else {
        cases = structuralCases(op.method, op.route.replace(/:(\w+)/g, 'fuzz'), true);
      }
      if (cases.length === 0) continue;
      totals.routes++;
      await t.test(
        `${op.method} ${op.route}: ${cases.length} inputs, none answered 5xx or hung, no row written`,
        async () => {
          const problems = await fuzz(op, cases, hostileTo);
          assert.deepEqual(problems, [], `${op.method} ${op.route}`);
        },
      );
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzzed ${totals.routes} routes with ${totals.requests} requests (${totals.invalid} invalid, ${totals.hostile} hostile but valid) in ${seconds.toFixed(1)} s, seed ${SEED}\n  by kind: ${[
        ...kinds,
      ]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    assert.ok(totals.routes >= 120, 'every route was fuzzed');
  });

  test('the served web app is the only thing static routes hand out (sanity of the leak patterns)', () => {
    const pkg = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    assert.ok(
      FORBIDDEN_CONTENT.some((re) => re.test(pkg)),
      'the package.json pattern matches the real file',
    );
  });
});
