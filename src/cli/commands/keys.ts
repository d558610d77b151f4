/**
 * `auditor keys generate --kind jwt|ledger|witness|encryption`: new key material on stdout, for the
 * operator to put into a secret manager (deploy/kubernetes: the *-signing-keys Secrets). Nothing is
 * written to disk. `--public` prints the public half of a key file instead (the ledger verifier key
 * that `backup verify` and offline verifiers need).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createNoteSigner, generateNoteKeys } from '../../ledger/index.ts';
import { generateKeyRingEntry } from '../../platform/crypto/encryption.ts';
import { generateSigningKeyPem } from '../../services/identity/access-tokens.ts';
import { fail } from '../output.ts';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('generate signing and encryption keys');
  keys
    .command('generate')
    .description(
      'print a new key: jwt (Ed25519 PEM), ledger or witness (C2SP signer key), encryption (key ring entry)',
    )
    .requiredOption('--kind <kind>', 'jwt | ledger | witness | encryption')
    .option(
      '--name <name>',
      'C2SP key name (ledger: the installation name; witness: <installation>/witness)',
      'auditor.local',
    )
    .action((opts: { kind: string; name: string }) => {
      switch (opts.kind) {
        case 'jwt':
          process.stdout.write(generateSigningKeyPem());
          return;
        case 'ledger':
          console.log(generateNoteKeys(opts.name).signerKey);
          return;
        case 'witness':
          console.log(
            generateNoteKeys(opts.name.endsWith('/witness') ? opts.name : `${opts.name}/witness`).signerKey,
          );
          return;
        case 'encryption':
          console.log(generateKeyRingEntry(`k${Date.now().toString(36)}`));
          return;
        default:
          fail(`--kind must be jwt, ledger, witness or encryption, not ${opts.kind}`);
      }
    });
  keys
    .command('public')
    .description('print the verifier key of a ledger or witness signer key file')
    .argument('<file>', 'file holding a PRIVATE+KEY+… signer key')
    .action((file: string) => {
      console.log(createNoteSigner(readFileSync(file, 'utf8').trim()).verifierKey);
    });
}
