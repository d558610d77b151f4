/**
 * The off-site copy of a verified backup (plan §6.2: another region). A directory (a mounted bucket
 * or file share in the DR region), `file://` URL, or `s3://bucket/prefix` uploaded with the AWS CLI
 * (`aws s3 cp`, credentials from its usual environment or the pod's role).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function copyToDestination(files: string[], destination: string): Promise<string[]> {
  if (destination.startsWith('s3://')) {
    const prefix = destination.replace(/\/+$/, '');
    const out: string[] = [];
    for (const f of files) {
      const target = `${prefix}/${basename(f)}`;
      await run('aws', ['s3', 'cp', '--only-show-errors', f, target]);
      out.push(target);
    }
    return out;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(destination) && !destination.startsWith('file://'))
    throw new Error(`unsupported backup destination ${destination}: use a directory, file:// or s3://`);
  const dir = destination.startsWith('file://') ? fileURLToPath(destination) : destination;
  mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const target = join(dir, basename(f));
    copyFileSync(f, target);
    return target;
  });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', (err) =>
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`${cmd} is not installed: needed for ${args.join(' ')}`)
          : err,
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.slice(0, 2).join(' ')} failed: ${stderr.trim()}`)),
    );
  });
}
