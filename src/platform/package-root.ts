/**
 * The installed package's root directory (the one holding package.json), found by walking up from
 * this module. Files shipped beside the code (the built web app, the static verifier page) are
 * located from here, so the same lookup works when running the TypeScript sources (src/…) and the
 * compiled image (dist/src/…), whose depths differ.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'web'))) return dir;
    // Not inside the package (a copied build): paths resolve from the working directory instead.
    if (dirname(dir) === dir) return process.cwd();
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. `packagePath('web', 'dist')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
