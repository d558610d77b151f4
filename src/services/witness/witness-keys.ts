/**
 * The witness's own Ed25519 key, never the log's: a C2SP signer key string (PRIVATE+KEY+…) from
 * AUDITOR_WITNESS_SIGNING_KEY_FILE, or generated under the data directory outside production. Its
 * key name is `<installation>/witness`; the published verifier key has type 0x04 (cosignature/v1).
 */
import { type Cosigner, createCosigner, generateNoteKeys } from '../../ledger/index.ts';
import { type Config, mayGenerateSecrets } from '../../platform/config.ts';
import { loadSecret } from '../../platform/secrets.ts';

export function loadWitnessCosigner(config: Config, dataDir: string): Cosigner {
  const signerKey = loadSecret(
    {
      variable: 'AUDITOR_WITNESS_SIGNING_KEY_FILE',
      file: config.AUDITOR_WITNESS_SIGNING_KEY_FILE,
      generatedName: 'witness-signer.key',
      generate: () => generateNoteKeys(`${config.AUDITOR_INSTALLATION_NAME}/witness`).signerKey,
    },
    dataDir,
    mayGenerateSecrets(config),
  );
  return createCosigner(signerKey);
}
