/**
 * Named points where the reliability tests kill the process (SIGKILL, like `kill -9`) to prove that
 * no message or event is lost or duplicated. Inert unless AUDITOR_TEST_CRASH_POINT names the point;
 * AUDITOR_TEST_CRASH_AFTER (default 1) picks which hit kills.
 */
const target = process.env.AUDITOR_TEST_CRASH_POINT;
const after = Number(process.env.AUDITOR_TEST_CRASH_AFTER ?? '1');
let hits = 0;

export const CRASH_POINTS = [
  'outbox.after-commit',
  'relay.before-deliver',
  'relay.after-deliver',
  'relay.before-progress',
  'inbox.before-commit',
  'inbox.after-commit',
  'ingest.before-commit',
  'ingest.after-commit',
  'ingest.after-fetch',
  'ledger.before-append',
  'ledger.after-append',
  'audit.after-item-commit',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export function crashPoint(name: CrashPoint): void {
  if (target !== name) return;
  hits++;
  if (hits >= after) {
    process.stderr.write(`crash point ${name} reached (hit ${hits}); killing the process\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
