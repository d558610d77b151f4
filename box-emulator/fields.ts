import type { Json } from './types.ts';

/** Lazily computed fields of one object. */
export type FieldProviders = Record<string, () => unknown>;

/** `fields=a,b` → ['a','b']; absent or empty → undefined (the default set). */
export function parseFields(raw: unknown): string[] | undefined {
  if (typeof raw !== 'string') return undefined;
  const list = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/**
 * Box's `fields` rule: with `fields`, only the requested fields plus the base set (type, id, etag);
 * without it, the default set. Unknown field names are ignored.
 */
export function selectFields(
  providers: FieldProviders,
  fields: string[] | undefined,
  defaults: readonly string[],
): Json {
  const keys = fields ? ['type', 'id', 'etag', ...fields] : defaults;
  const out: Json = {};
  for (const key of keys) {
    const provide = providers[key];
    if (!provide || key in out) continue;
    const value = provide();
    if (value !== undefined) out[key] = value;
  }
  return out;
}
