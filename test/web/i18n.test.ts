/**
 * The web app's catalogues (web/src/i18n/en.json, ja.json): same keys, nothing empty, the same
 * placeholders, Japanese actually translated, and every literal key the code uses present.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../../web/src/', import.meta.url).pathname;
type Catalogue = Record<string, string>;

function flatten(value: unknown, prefix = '', out: Catalogue = {}): Catalogue {
  if (typeof value === 'string') {
    out[prefix] = value;
    return out;
  }
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${prefix}: not a string or object`);
  for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  return out;
}

const load = (lang: string): Catalogue =>
  flatten(JSON.parse(readFileSync(join(root, `i18n/${lang}.json`), 'utf8')));
const en = load('en');
const ja = load('ja');

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

test('both catalogues have exactly the same keys', () => {
  const missingInJa = Object.keys(en).filter((k) => !(k in ja));
  const missingInEn = Object.keys(ja).filter((k) => !(k in en));
  assert.deepEqual(missingInJa, [], 'keys missing from ja.json');
  assert.deepEqual(missingInEn, [], 'keys missing from en.json');
  assert.ok(Object.keys(en).length > 100, 'the catalogues look truncated');
});

test('no value is empty or only white space', () => {
  for (const [lang, catalogue] of Object.entries({ en, ja })) {
    const empty = Object.entries(catalogue)
      .filter(([, v]) => v.trim() === '')
      .map(([k]) => k);
    assert.deepEqual(empty, [], `empty values in ${lang}.json`);
  }
});

test('placeholders match between the languages', () => {
  const differing = Object.keys(en).filter(
    (k) => ja[k] !== undefined && placeholders(en[k]!).join() !== placeholders(ja[k]!).join(),
  );
  assert.deepEqual(differing, [], 'keys whose {{placeholders}} differ');
});

test('at least 95 % of the Japanese texts differ from the English ones', () => {
  const keys = Object.keys(en);
  const same = keys.filter((k) => en[k] === ja[k]);
  const share = (keys.length - same.length) / keys.length;
  assert.ok(share >= 0.95, `only ${(share * 100).toFixed(1)} % translated; identical: ${same.join(', ')}`);
});

test('Japanese texts are written in Japanese (kana or kanji), not left in English', () => {
  const untranslated = Object.entries(ja)
    .filter(([k, v]) => en[k] !== v && !/[\u3040-\u30ff\u4e00-\u9fff]/.test(v))
    .map(([k]) => k);
  assert.deepEqual(untranslated, []);
});

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

test('every literal key the web app uses exists in the catalogues', () => {
  const used = new Set<string>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w]*(?:\.[\w:]+)+)'/g)) used.add(m[1]!);
    // Navigation labels are data (app/pages.tsx).
    for (const m of text.matchAll(/navLabel: '([\w.]+)'/g)) used.add(m[1]!);
  }
  assert.ok(used.size > 50, `found only ${used.size} keys: is the scan broken?`);
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, [], 'keys used in web/src but missing from en.json');
});
