/**
 * The log's signing key and origin lines. One Ed25519 key signs the checkpoints of every
 * organisation's log of this installation; its C2SP key name is the installation name, and each
 * log's origin is `<installation>/<organisation id>` (c2sp.org/tlog-checkpoint: a schema-less URL
 * without spaces or '+'), fixed when the log is created.
 */
import { createNoteSigner, type Ed25519NoteSigner, generateNoteKeys } from '../../ledger/index.ts';
import { type Config, mayGenerateSecrets } from '../../platform/config.ts';
import { loadSecret } from '../../platform/secrets.ts';

export function loadLedgerSigner(config: Config, dataDir: string): Ed25519NoteSigner {
  const signerKey = loadSecret(
    {
      variable: 'AUDITOR_LEDGER_SIGNING_KEY_FILE',
      file: config.AUDITOR_LEDGER_SIGNING_KEY_FILE,
      generatedName: 'ledger-signer.key',
      generate: () => generateNoteKeys(config.AUDITOR_INSTALLATION_NAME).signerKey,
    },
    dataDir,
    mayGenerateSecrets(config),
  );
  return createNoteSigner(signerKey);
}

export function logOrigin(installationName: string, orgId: string): string {
  return `${installationName}/${orgId}`;
}
