/**
 * The self-verifying HTML form of an evidence bundle: the static verifier page
 * (web/public/verify-bundle.html, copied to web/dist by the web build) with the bundle's JSON in its
 * `<script type="application/json" id="evidence-bundle">` block. Opened in a browser, the page shows
 * the report and checks the bundle with WebCrypto, offline; `auditor verify-bundle` reads the same
 * file. The JSON is embedded with `<` escaped, which JSON parsing undoes, so the bundle read back is
 * byte for byte the same value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { serviceUnavailable } from '../../platform/errors.ts';
import { packagePath } from '../../platform/package-root.ts';
import type { EvidenceBundle } from './bundle-format.ts';

const CANDIDATES = [
  packagePath('web', 'public', 'verify-bundle.html'),
  packagePath('web', 'dist', 'verify-bundle.html'),
];
export const BUNDLE_SLOT = '<script type="application/json" id="evidence-bundle"></script>';

let template: string | undefined;

export function verifierPage(): string {
  if (template) return template;
  for (const url of CANDIDATES) {
    if (!existsSync(url)) continue;
    const text = readFileSync(url, 'utf8');
    if (text.includes(BUNDLE_SLOT)) {
      template = text;
      return text;
    }
  }
  throw serviceUnavailable('SERVICE_UNAVAILABLE', { details: { missing: 'verify-bundle.html' } });
}

export function bundleHtml(bundle: EvidenceBundle): string {
  const json = JSON.stringify(bundle).replaceAll('<', '\\u003c');
  return verifierPage().replace(
    BUNDLE_SLOT,
    () => `<script type="application/json" id="evidence-bundle">${json}</script>`,
  );
}
