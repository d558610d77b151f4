/** The web app's translation catalogues, flattened (`users.title` → text), for checking pages. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/web-build.ts';

export type Catalogue = Record<string, string>;

function flatten(value: unknown, prefix = '', out: Catalogue = {}): Catalogue {
  if (typeof value === 'string') out[prefix] = value;
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

export function loadCatalogue(lang: 'en' | 'ja'): Catalogue {
  return flatten(JSON.parse(readFileSync(join(repoRoot, `web/src/i18n/${lang}.json`), 'utf8')));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Texts on the page that are English UI strings (values of en.json that differ in ja.json, with
 * {{placeholders}} matching anything) or raw translation keys.
 */
export function untranslated(texts: string[], en: Catalogue, ja: Catalogue): string[] {
  const english = Object.entries(en)
    .filter(([key, value]) => ja[key] !== value)
    .map(
      ([, value]) => new RegExp(`^${escapeRegExp(value).replace(/\\\{\\\{\s*[\w.]+\s*\\\}\\\}/g, '.+')}$`),
    );
  const keys = new Set(Object.keys(en));
  return [
    ...new Set(texts.filter((text) => keys.has(text) || english.some((pattern) => pattern.test(text)))),
  ];
}
