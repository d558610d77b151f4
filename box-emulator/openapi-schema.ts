/**
 * Turns Box's OpenAPI 3.0 document into JSON Schema Ajv can compile:
 * - `nullable: true` becomes `anyOf: [{type: 'null'}, …]` (and `nullable: false` is dropped), also when Box
 *   puts it in an allOf member of its own (`allOf: [X, {}, {nullable: true}]`);
 * - `oneOf` becomes a discriminating if/then chain, because Box's branches overlap (a File also matches
 *   GenericSource): branches are chosen by their `type` enum, then by their first required key (EventSource:
 *   `item_type`), as the SDK does; branches with neither are the fallback;
 * - documentation keywords (`description`, `example`, `x-*`, …) are dropped and `$ref`s made absolute.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where Box's OpenAPI document is looked for: $BOX_OPENAPI_PATH, then the shared folder next to the repo. */
export const OPENAPI_CANDIDATES = [
  process.env.BOX_OPENAPI_PATH,
  fileURLToPath(new URL('../../shared/box-openapi/openapi.json', import.meta.url)),
  '/work/shared/box-openapi/openapi.json',
].filter((p): p is string => Boolean(p));
export const ROOT_ID = 'box-openapi';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is untyped JSON
export type Schema = any;

const DROP = new Set([
  'description',
  'example',
  'examples',
  'title',
  'readOnly',
  'writeOnly',
  'deprecated',
  'externalDocs',
  'xml',
  'discriminator',
  'default',
]);

export function loadOpenApi(path?: string): Schema {
  const found = path ?? OPENAPI_CANDIDATES.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `Box's OpenAPI document not found; set BOX_OPENAPI_PATH (tried ${OPENAPI_CANDIDATES.join(', ')})`,
    );
  return JSON.parse(readFileSync(found, 'utf8'));
}

export function resolveRef(doc: Schema, ref: string): Schema {
  const pointer = ref.replace(/^[^#]*#/, '');
  return pointer
    .split('/')
    .slice(1)
    .reduce((node: Schema, part: string) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

/** The `type` values a branch accepts and the keys it requires, following $ref and allOf. */
function branchInfo(
  doc: Schema,
  schema: Schema,
  seen = new Set<Schema>(),
): { types?: string[]; required: string[] } {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return { required: [] };
  seen.add(schema);
  if (schema.$ref) return branchInfo(doc, resolveRef(doc, schema.$ref), seen);
  let types: string[] | undefined = schema.properties?.type?.enum;
  const required = new Set<string>(schema.required ?? []);
  for (const part of schema.allOf ?? []) {
    const info = branchInfo(doc, part, seen);
    types ??= info.types;
    for (const r of info.required) required.add(r);
  }
  return { ...(types ? { types } : {}), required: [...required] };
}

function ifThenElse(condition: Schema, then: Schema, otherwise: Schema): Schema {
  return { if: condition, then, else: otherwise };
}

function discriminate(doc: Schema, rawBranches: Schema[], branches: Schema[]): Schema {
  const typed: { types: string[]; schema: Schema }[] = [];
  const keyed: { required: string[]; schema: Schema }[] = [];
  const rest: Schema[] = [];
  rawBranches.forEach((raw, i) => {
    const info = branchInfo(doc, raw);
    if (info.types) typed.push({ types: info.types, schema: branches[i] });
    else if (info.required.length > 0) keyed.push({ required: info.required, schema: branches[i] });
    else rest.push(branches[i]);
  });
  let chain: Schema = rest.length === 1 ? rest[0] : { anyOf: rest.length > 0 ? rest : branches };
  for (const b of keyed.reverse()) chain = ifThenElse({ required: b.required.slice(0, 1) }, b.schema, chain);
  for (const b of typed.reverse()) {
    chain = ifThenElse({ required: ['type'], properties: { type: { enum: b.types } } }, b.schema, chain);
  }
  return chain;
}

/** Box writes "this may be null" as an allOf member `{nullable: true}` with no type of its own. */
function nullableThroughAllOf(schema: Schema): boolean {
  return (
    Array.isArray(schema.allOf) &&
    schema.allOf.some(
      (s: Schema) =>
        s && s.nullable === true && !s.type && !s.$ref && !s.properties && !s.allOf && !s.anyOf && !s.oneOf,
    )
  );
}

/** OpenAPI schema → JSON Schema (see the module comment). */
export function toJsonSchema(doc: Schema, schema: Schema): Schema {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (DROP.has(k) || k.startsWith('x-') || k === 'nullable' || k === 'oneOf') continue;
    if (k === '$ref') out.$ref = `${ROOT_ID}${String(v).slice(String(v).indexOf('#'))}`;
    else if (k === 'properties')
      out.properties = Object.fromEntries(
        Object.entries(v as object).map(([p, s]) => [p, toJsonSchema(doc, s)]),
      );
    else if (k === 'items' || k === 'not' || k === 'additionalProperties')
      out[k] = typeof v === 'object' ? toJsonSchema(doc, v) : v;
    else if (k === 'allOf' || k === 'anyOf') out[k] = (v as Schema[]).map((s) => toJsonSchema(doc, s));
    else out[k] = v;
  }
  let result = out;
  if (Array.isArray(schema.oneOf)) {
    const chain = discriminate(
      doc,
      schema.oneOf,
      schema.oneOf.map((s: Schema) => toJsonSchema(doc, s)),
    );
    result = { ...out, allOf: [...(out.allOf ?? []), chain] };
  }
  if (schema.nullable === true || nullableThroughAllOf(schema))
    result = { anyOf: [{ type: 'null' }, result] };
  return result;
}

/** Every component schema converted, under one document Ajv can resolve `box-openapi#/components/schemas/X` in. */
export function convertComponents(doc: Schema): Schema {
  const schemas: Record<string, Schema> = {};
  for (const [name, s] of Object.entries(doc.components.schemas as Record<string, Schema>))
    schemas[name] = toJsonSchema(doc, s);
  return { $id: ROOT_ID, components: { schemas } };
}

export interface Operation {
  /** e.g. 'GET /files/{file_id}' */
  name: string;
  method: string;
  template: string;
  regex: RegExp;
  literals: number;
  op: Schema;
}

export function operations(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Schema>)) {
    const segments = template.split('/').filter(Boolean);
    const regex = new RegExp(
      `^/${segments.map((s) => (s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`,
    );
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters' || method.startsWith('x-')) continue;
      out.push({
        name: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        regex,
        literals: segments.filter((s) => !s.startsWith('{')).length,
        op,
      });
    }
  }
  return out.sort((a, b) => b.literals - a.literals);
}

/** Local-Box or Box URL path → the spec's path: `/2.0/x` and `/api/2.0/x` → `/x`; `/api/oauth2/authorize` → `/authorize`. */
export function specPath(rawPath: string): string {
  let path = rawPath.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] ?? '';
  if (path.startsWith('/api/2.0/')) path = path.slice('/api/2.0'.length);
  else if (path.startsWith('/2.0/')) path = path.slice('/2.0'.length);
  else if (path === '/api/oauth2/authorize' || path === '/oauth2/authorize') path = '/authorize';
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}
