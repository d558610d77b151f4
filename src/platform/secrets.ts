/**
 * Secrets come from the environment or from files named in configuration. Outside production a
 * missing key is generated once into `<data dir>/secrets/` (mode 0600) so that `npm start` needs no
 * setup; in production a missing secret stops start-up. Values are never logged.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './config.ts';

export interface SecretSource {
  /** Config variable naming the file (for error messages). */
  variable: string;
  file: string | undefined;
  /** Name of the generated file under `<dataDir>/secrets`. */
  generatedName: string;
  generate: () => string;
}

export function loadSecret(source: SecretSource, dataDir: string, mayGenerate: boolean): string {
  if (source.file) {
    try {
      return readFileSync(source.file, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(source.variable, `names a file that cannot be read (${(err as Error).message})`);
    }
  }
  const path = join(dataDir, 'secrets', source.generatedName);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  if (!mayGenerate) throw new ConfigError(source.variable, 'is required in production');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const value = source.generate();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return value;
}
