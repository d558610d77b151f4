/**
 * Offline verification of an evidence bundle (bundle-format.ts) with the ledger library only: no
 * configuration, no database, no network. Used by `auditor verify-bundle`; the static page
 * `web/public/verify-bundle.html` does the same checks with WebCrypto in a browser. Every failure
 * names exactly what failed (which record, which leaf, which checkpoint, which claim).
 */
import {
  createCosignatureVerifier,
  createNoteVerifier,
  decodeBase64,
  isLedgerError,
  keyIdHex,
  leafHash,
  type NoteVerifier,
  openCheckpoint,
  openNote,
  parseNote,
  verifyConsistency,
  verifyInclusion,
} from '../../ledger/index.ts';
import { BUNDLE_FORMAT, bundleDigest, STATEMENT_HEADER } from './bundle-format.ts';

export interface BundleCheckReport {
  ok: boolean;
  kind: string | null;
  origin: string | null;
  /** What was verified, one line each. */
  verified: string[];
  /** What failed, one line each, naming the part of the bundle. */
  failures: string[];
}

const BUNDLE_SCRIPT = /<script[^>]*id="evidence-bundle"[^>]*>([\s\S]*?)<\/script>/;

/** The bundle inside a file: the JSON itself, or the JSON block of a self-verifying HTML bundle. */
export function bundleText(fileText: string): string {
  const trimmed = fileText.trimStart();
  if (trimmed.startsWith('{')) return fileText;
  const match = BUNDLE_SCRIPT.exec(fileText);
  if (!match) throw new Error('the file is neither a JSON bundle nor an HTML page with an embedded bundle');
  return match[1]!;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const message = (err: unknown) => (isLedgerError(err) || err instanceof Error ? err.message : String(err));

export function checkBundle(fileText: string): BundleCheckReport {
  const report: BundleCheckReport = { ok: false, kind: null, origin: null, verified: [], failures: [] };
  const fail = (line: string) => report.failures.push(line);
  let bundle: Obj;
  try {
    const parsed: unknown = JSON.parse(bundleText(fileText));
    if (!isObj(parsed)) throw new Error('the bundle is not a JSON object');
    bundle = parsed;
  } catch (err) {
    fail(`bundle: not readable (${message(err)})`);
    return report;
  }
  if (bundle.format !== BUNDLE_FORMAT)
    fail(`bundle: format is ${JSON.stringify(bundle.format)}, not ${BUNDLE_FORMAT}`);
  report.kind = typeof bundle.kind === 'string' ? bundle.kind : null;
  const log = isObj(bundle.log) ? bundle.log : {};
  const origin = typeof log.origin === 'string' ? log.origin : null;
  report.origin = origin;
  if (!origin) fail('log: no origin');

  let logVerifier: NoteVerifier;
  try {
    logVerifier = createNoteVerifier(String(log.logKey));
    report.verified.push(`log key ${logVerifier.name}+${keyIdHex(logVerifier.keyId)} (Ed25519) read`);
  } catch (err) {
    fail(`log key: ${message(err)}`);
    return report;
  }
  let witness: ReturnType<typeof createCosignatureVerifier> | null = null;
  if (log.witnessKey !== null && log.witnessKey !== undefined) {
    try {
      witness = createCosignatureVerifier(String(log.witnessKey));
    } catch (err) {
      fail(`witness key: ${message(err)}`);
    }
  }
  const verifiers = witness ? [logVerifier, witness] : [logVerifier];
  const signedBy = (sigs: { name: string; keyId: number }[], v: NoteVerifier) =>
    sigs.some((s) => s.name === v.name && s.keyId === v.keyId);
  const cosignedAt = (note: string): string | null => {
    if (!witness) return null;
    const { text, signatures } = parseNote(note);
    for (const s of signatures) {
      if (s.name !== witness.name || s.keyId !== witness.keyId) continue;
      const t = witness.verifyCosignature(text, s.base64);
      if (t !== undefined) return new Date(t * 1000).toISOString();
    }
    return null;
  };

  // The checkpoint every record is proven against.
  const cp = isObj(bundle.checkpoint) ? bundle.checkpoint : {};
  let root: Buffer | null = null;
  const size = typeof cp.treeSize === 'number' ? cp.treeSize : Number.NaN;
  try {
    const opened = openCheckpoint(String(cp.note), verifiers, origin ?? undefined);
    if (!signedBy(opened.note.verified, logVerifier)) throw new Error('not signed by the log key');
    if (opened.checkpoint.treeSize !== size)
      throw new Error(
        `the signed note says size ${opened.checkpoint.treeSize}, the bundle says ${cp.treeSize}`,
      );
    if (opened.checkpoint.rootHash.toString('base64') !== cp.rootHash)
      throw new Error('the signed note says another root hash than the bundle');
    root = opened.checkpoint.rootHash;
    report.verified.push(`checkpoint ${size} of ${opened.checkpoint.origin}: signed by the log key`);
    const at = cosignedAt(String(cp.note));
    if (at) report.verified.push(`checkpoint ${size}: cosigned by the witness ${witness!.name} at ${at}`);
  } catch (err) {
    fail(`checkpoint ${Number.isNaN(size) ? '?' : size}: ${message(err)}`);
  }

  // The witnessed checkpoint and its consistency with the proving one.
  if (bundle.witnessed !== null && bundle.witnessed !== undefined) {
    const w = isObj(bundle.witnessed) ? bundle.witnessed : {};
    const wSize = typeof w.treeSize === 'number' ? w.treeSize : Number.NaN;
    try {
      if (!witness) throw new Error('the bundle has no (valid) witness key to check it with');
      const opened = openCheckpoint(String(w.note), verifiers, origin ?? undefined);
      if (!signedBy(opened.note.verified, logVerifier)) throw new Error('not signed by the log key');
      const at = cosignedAt(String(w.note));
      if (!at) throw new Error('no valid cosignature by the witness');
      if (opened.checkpoint.treeSize !== wSize)
        throw new Error(
          `the signed note says size ${opened.checkpoint.treeSize}, the bundle says ${w.treeSize}`,
        );
      report.verified.push(
        `witnessed checkpoint ${wSize}: signed by the log key, cosigned by the witness at ${at}`,
      );
      if (root) {
        verifyConsistency({
          size1: wSize,
          size2: size,
          root1: opened.checkpoint.rootHash,
          root2: root,
          proof: (Array.isArray(w.consistencyProof) ? w.consistencyProof : []).map(String),
        });
        report.verified.push(`checkpoint ${size} is consistent with the witnessed checkpoint ${wSize}`);
      }
    } catch (err) {
      fail(`witnessed checkpoint ${Number.isNaN(wSize) ? '?' : wSize}: ${message(err)}`);
    }
  }

  // Every record: its hash from its bytes, its proof to the checkpoint's root.
  const records = Array.isArray(bundle.records) ? bundle.records : [];
  if (!Array.isArray(bundle.records)) fail('records: missing');
  const byIndex = new Map<number, Obj>();
  let good = 0;
  records.forEach((raw, i) => {
    const r = isObj(raw) ? raw : {};
    const name = `record ${i} (leaf ${String(r.index)})`;
    try {
      if (typeof r.index !== 'number' || typeof r.data !== 'string') throw new Error('malformed');
      const computed = leafHash(Buffer.from(r.data, 'utf8'));
      const stated = decodeBase64(String(r.leafHash), 'leaf hash');
      if (!computed.equals(stated)) throw new Error('its leaf hash does not match its data');
      const parsed: unknown = JSON.parse(r.data);
      if (!isObj(parsed) || parsed.kind !== r.kind)
        throw new Error(`its data is not a ${String(r.kind)} leaf`);
      if (!root) throw new Error('no verified checkpoint to prove it against');
      try {
        verifyInclusion({
          index: r.index,
          treeSize: size,
          leafHash: computed,
          proof: (Array.isArray(r.proof) ? r.proof : []).map(String),
          root,
        });
      } catch (err) {
        throw new Error(`its inclusion proof does not lead to checkpoint ${size}'s root (${message(err)})`);
      }
      byIndex.set(r.index, parsed);
      good++;
    } catch (err) {
      fail(`${name}: ${message(err)}`);
    }
  });
  if (good > 0)
    report.verified.push(
      `${good} record(s): each leaf hash matches its data, each inclusion proof leads to checkpoint ${size}'s root`,
    );

  // The statement binding the claims.
  try {
    const opened = openNote(String(bundle.statement), [logVerifier]);
    const lines = opened.text.slice(0, -1).split('\n');
    if (lines[0] !== STATEMENT_HEADER) throw new Error('not an evidence-bundle statement');
    if (lines[1] !== origin) throw new Error(`made for ${lines[1]}, not for ${origin}`);
    const digest = bundleDigest(bundle);
    if (lines[2] !== `sha256 ${digest}`)
      throw new Error(
        'the bundle was changed after it was signed (its content does not match the signed digest)',
      );
    report.verified.push("statement: signed by the log key; the bundle's content matches the signed digest");
  } catch (err) {
    fail(`statement: ${message(err)}`);
  }

  checkClaims(bundle, byIndex, report);
  report.ok = report.failures.length === 0;
  return report;
}

const field = (leaf: Obj | undefined, key: string): unknown =>
  isObj(leaf?.data) ? leaf.data[key] : undefined;

/** Every claim in `subject` that names a record must say what that record says. */
function checkClaims(bundle: Obj, byIndex: Map<number, Obj>, report: BundleCheckReport): void {
  const fail = (line: string) => report.failures.push(line);
  const subject = isObj(bundle.subject) ? bundle.subject : {};
  const recordAt = (index: unknown, what: string): Obj | undefined => {
    const leaf = typeof index === 'number' ? byIndex.get(index) : undefined;
    if (!leaf) fail(`${what}: leaf ${String(index)} is not among the verified records`);
    return leaf;
  };
  let cited = 0;
  let backedBox = 0;

  const checkEvent = (e: Obj, what: string) => {
    if (e.leafIndex === null || e.leafIndex === undefined) return;
    const leaf = recordAt(e.leafIndex, what);
    if (!leaf) return;
    cited++;
    if (leaf.kind !== 'box_event' || field(leaf, 'event_id') !== e.eventId)
      fail(`${what}: leaf ${String(e.leafIndex)} is not event ${String(e.eventId)}`);
    else if (e.type !== undefined && field(leaf, 'event_type') !== e.type)
      fail(
        `${what}: event ${String(e.eventId)} is a ${String(field(leaf, 'event_type'))}, not ${String(e.type)}`,
      );
  };

  const checkVerification = (v: Obj) => {
    const what = `verification ${String(v.id)}`;
    const evidence = isObj(v.evidence) ? v.evidence : {};
    for (const raw of Array.isArray(evidence.recorded) ? evidence.recorded : []) {
      const r = isObj(raw) ? raw : {};
      const leaf = recordAt(r.leafIndex, `${what}, recorded version ${String(r.versionId)}`);
      if (!leaf) continue;
      cited++;
      const differs = ['observationId', 'fileId', 'versionId', 'sha1', 'source'].filter(
        (k) => field(leaf, k) !== r[k],
      );
      if (leaf.kind !== 'file_version' || differs.length > 0)
        fail(
          `${what}: leaf ${String(r.leafIndex)} does not say what the claim says (${differs.join(', ') || 'kind'})`,
        );
    }
    for (const raw of Array.isArray(evidence.events) ? evidence.events : [])
      checkEvent(isObj(raw) ? raw : {}, `${what}, event`);
    const box = isObj(evidence.box) ? evidence.box : null;
    if (box) {
      const ids = new Set(Array.isArray(box.observationIds) ? box.observationIds : []);
      const versions = Array.isArray(box.versions) ? box.versions.filter(isObj) : [];
      for (const [index, leaf] of byIndex) {
        if (leaf.kind !== 'file_version' || !ids.has(field(leaf, 'observationId'))) continue;
        const matches = versions.some(
          (x) => x.versionId === field(leaf, 'versionId') && x.sha1 === field(leaf, 'sha1'),
        );
        if (matches) backedBox++;
        else fail(`${what}: Box's state differs from what its own observation recorded (leaf ${index})`);
      }
    }
  };

  if (bundle.kind === 'file-verification') {
    if (isObj(subject.verification)) checkVerification(subject.verification);
    else fail('subject: no verification');
  } else if (bundle.kind === 'set-verification') {
    const list = Array.isArray(subject.verifications) ? subject.verifications : [];
    for (const v of list) checkVerification(isObj(v) ? v : {});
  } else if (bundle.kind === 'event-search') {
    const list = Array.isArray(subject.events) ? subject.events : [];
    for (const [i, e] of list.entries()) checkEvent(isObj(e) ? e : {}, `event ${i}`);
  } else {
    fail(`subject: unknown bundle kind ${JSON.stringify(bundle.kind)}`);
  }
  report.verified.push(
    `claims: ${cited} citation(s) of records match them${backedBox > 0 ? `; Box's state is backed by ${backedBox} observation record(s)` : ''}`,
  );
}
