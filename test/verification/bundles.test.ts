/**
 * Evidence bundles (product.md F6.6): a file verification's, a set verification's and an event
 * search's bundle verify offline with `auditor verify-bundle` (no server, no database, no
 * configuration) and with the static page in Chromium (WebCrypto, no network); one changed byte makes
 * both fail, naming what failed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { standalonePagePolicy } from '../../src/runtime/web-ui.ts';
import { checkBundle } from '../../src/services/verification/bundle-checker.ts';
import type {
  EvidenceBundle,
  SetVerificationSubject,
} from '../../src/services/verification/bundle-format.ts';
import type { FileVerificationDto } from '../../src/services/verification/verification-schemas.ts';
import { type BrowserSession, launchBrowser } from '../browser/support/browser.ts';
import { createAuditSet } from '../files/file-support.ts';
import { childEnv, ROOT, runCli } from '../support/processes.ts';
import {
  catchUp,
  fileId,
  folderId,
  ingest,
  recordBaselines,
  startVerifyEnv,
  tokenOf,
  type VerifyEnv,
  verifyFile,
} from './verification-support.ts';

const ISO = 'Compliance/ISO 27001';
/** The page has finished checking (evaluated in the browser). */
const SETTLED = `['VERIFIED', 'FAILED'].includes(document.getElementById('status')?.textContent ?? '')`;
const PAGE = pathToFileURL(join(ROOT, 'web/public/verify-bundle.html')).href;

/** The text with the character at `at` replaced by another of the same class (one changed byte). */
function flipAt(text: string, at: number): string {
  const c = text[at]!;
  const other = /[0-9]/.test(c)
    ? String((Number(c) + 1) % 10)
    : /[a-z]/.test(c)
      ? c === 'a'
        ? 'b'
        : 'a'
      : c === 'A'
        ? 'B'
        : 'A';
  return text.slice(0, at) + other + text.slice(at + 1);
}

describe('evidence bundles', () => {
  let e: VerifyEnv;
  let dir: string;
  let browser: BrowserSession;
  let setId: string;
  let tampered: FileVerificationDto;
  let bundleText: string;
  const env = childEnv({});

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  async function pageVerdict(
    path: string,
  ): Promise<{ status: string; failures: string[]; verified: string[] }> {
    const { page } = browser;
    await page.goto(PAGE);
    await page.setInputFiles('#bundle-file', path);
    await page.waitForFunction(SETTLED);
    return {
      status: (await page.textContent('#status')) ?? '',
      failures: await page.$$eval('#failures li', (els) => els.map((x) => x.textContent ?? '')),
      verified: await page.$$eval('#verified li', (els) => els.map((x) => x.textContent ?? '')),
    };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'auditor-bundles-'));
    browser = await launchBrowser();
    e = await startVerifyEnv();
    const admin = await tokenOf(e, 'admin');
    setId = await createAuditSet(e.app, admin, {
      name: 'Bundles',
      collaborators: [{ userId: e.cast.auditor.userId, role: 'REVIEWER' }],
      items: [{ itemId: folderId(e, ISO), type: 'folder' }],
    });
    await recordBaselines(e);
    await ingest(e);
    // The witness cosigns a checkpoint; later leaves make the proving checkpoint larger than it.
    const ledger = e.app.services.verification!.ledger;
    await ledger.checkpoints.signDue({ force: true });
    await e.app.services.witness!.witness.runOnce();
    assert.equal(await ledger.cosignatures.syncOnce(), 1);

    const id = fileId(e, `${ISO}/Risk Register.xlsx`);
    e.box.emulator.controls.tamper({ action: 'change-content', fileId: id });
    tampered = await verifyFile(e, admin, id);
    assert.equal(tampered.result, 'TAMPERED');
    await e.app.drainOutboxes();
    const res = await e.app.api.get(`/api/v1/verifications/${tampered.id}/bundle`, admin);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="evidence-.*\.json"/);
    bundleText = res.body;
  });
  after(async () => {
    await browser?.close();
    await e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a file verification bundle holds the records, proofs, both checkpoints and the keys', () => {
    const b = JSON.parse(bundleText) as EvidenceBundle;
    assert.equal(b.format, 'auditor-for-box/evidence-bundle/v1');
    assert.equal(b.kind, 'file-verification');
    assert.ok(b.log.logKey && b.log.witnessKey);
    assert.ok(b.witnessed, 'the cosigned checkpoint');
    assert.ok(b.witnessed.treeSize < b.checkpoint.treeSize);
    assert.ok(b.witnessed.consistencyProof.length > 0);
    const subject = b.subject as { verification: FileVerificationDto };
    assert.equal(subject.verification.result, 'TAMPERED');
    const cited = subject.verification.evidence.recorded.map((r) => r.leafIndex);
    for (const index of cited) assert.ok(b.records.some((r) => r.index === index));
    // The verification's own read of Box is in the ledger too, and in the bundle.
    const observed = subject.verification.evidence.box!.observationIds;
    assert.ok(b.records.filter((r) => observed.some((o) => r.data.includes(o))).length === observed.length);
    const report = checkBundle(bundleText);
    assert.deepEqual(report.failures, []);
    assert.ok(report.verified.some((l) => l.includes('cosigned by the witness')));
    assert.ok(report.verified.some((l) => l.includes("Box's state is backed by")));
  });

  test('auditor verify-bundle checks it offline and says what it verified', async () => {
    const res = await runCli(['verify-bundle', write('file.json', bundleText)], env);
    console.log(res.stdout);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /VERIFIED/);
    assert.match(res.stdout, /signed by the log key/);
    assert.match(res.stdout, /consistent with the witnessed checkpoint/);
    assert.match(res.stdout, /record\(s\): each leaf hash matches its data/);
  });

  test('one changed byte: the CLI and the page fail and name what failed', async () => {
    const records = bundleText.indexOf('"records"');
    const inData = bundleText.indexOf('sha1\\":\\"', records) + 12;
    const proofAt = bundleText.indexOf('"', bundleText.indexOf('"proof": [', records) + 10) + 5;
    const cases: Array<{ name: string; text: string; expect: RegExp }> = [
      {
        name: 'record-data.json',
        text: flipAt(bundleText, inData),
        expect: /record \d+ \(leaf \d+\): its leaf hash does not match its data/,
      },
      {
        name: 'proof.json',
        text: flipAt(bundleText, proofAt),
        expect: /record 0 \(leaf \d+\): its inclusion proof does not lead/,
      },
      {
        name: 'checkpoint-signature.json',
        text: flipAt(
          bundleText,
          bundleText.indexOf('\\n\\n\u2014 ', bundleText.indexOf('"checkpoint"')) + 30,
        ),
        expect: /checkpoint \d+: (invalid signature|.*signature)/,
      },
      {
        name: 'claim.json',
        text: bundleText.replace('"result": "TAMPERED"', '"result": "TAMPERES"'),
        expect: /statement: the bundle was changed after it was signed/,
      },
    ];
    for (const c of cases) {
      assert.notEqual(c.text, bundleText);
      assert.equal(
        [...c.text].filter((ch, i) => ch !== bundleText[i]).length,
        1,
        `${c.name}: one character changed`,
      );
      const path = write(c.name, c.text);
      const res = await runCli(['verify-bundle', path], env);
      assert.equal(res.code, 1, `${c.name}: ${res.stdout}`);
      assert.match(res.stdout, c.expect, `${c.name}: ${res.stdout}`);
      assert.match(res.stdout, /FAILED/);
      if (c.name === 'record-data.json') console.log(res.stdout);
      const page = await pageVerdict(path);
      assert.equal(page.status, 'FAILED', c.name);
      assert.ok(
        page.failures.some((f) => c.expect.test(f)),
        `${c.name}: the page names it: ${JSON.stringify(page.failures)}`,
      );
    }
  });

  test('the static page verifies the bundle in Chromium with WebCrypto, without any server', async () => {
    const verdict = await pageVerdict(write('file-page.json', bundleText));
    assert.equal(verdict.status, 'VERIFIED', JSON.stringify(verdict.failures));
    assert.deepEqual(verdict.failures, []);
    assert.ok(verdict.verified.some((l) => l.includes('cosigned by the witness')));
    assert.ok(verdict.verified.some((l) => l.includes('statement: signed by the log key')));
    assert.match((await browser.page.textContent('#subject')) ?? '', /TAMPERED/);
    assert.deepEqual(browser.problems, []);
  });

  test('served by the gateway, the page runs under a policy that allows only its own script and no connection', async () => {
    const html = readFileSync(join(ROOT, 'web/public/verify-bundle.html'), 'utf8');
    const policy = standalonePagePolicy(html);
    assert.match(policy, /script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    assert.match(policy, /connect-src 'none'/);
    const { page } = browser;
    await page.route('https://auditor.test/verify-bundle.html', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        headers: { 'content-security-policy': policy },
        body: html,
      }),
    );
    await page.goto('https://auditor.test/verify-bundle.html');
    await page.setInputFiles('#bundle-file', write('served.json', bundleText));
    await page.waitForFunction(SETTLED);
    assert.equal(await page.textContent('#status'), 'VERIFIED');
    assert.deepEqual(browser.problems, []);
  });

  test('the HTML form is one self-verifying page, which the CLI reads too', async () => {
    const admin = await tokenOf(e, 'admin');
    const res = await e.app.api.get(`/api/v1/verifications/${tampered.id}/bundle?format=html`, admin);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const path = write('file.html', res.body);
    const cli = await runCli(['verify-bundle', path], env);
    assert.equal(cli.code, 0, cli.stdout);
    const { page } = browser;
    await page.goto(pathToFileURL(path).href);
    await page.waitForFunction(SETTLED);
    assert.equal(await page.textContent('#status'), 'VERIFIED');
    // One changed byte inside the embedded bundle.
    const at = res.body.indexOf('"sha1":"', res.body.indexOf('id="evidence-bundle"')) + 12;
    const bad = write('bad.html', flipAt(res.body, at));
    assert.equal((await runCli(['verify-bundle', bad], env)).code, 1);
    await page.goto(pathToFileURL(bad).href);
    await page.waitForFunction(SETTLED);
    assert.equal(await page.textContent('#status'), 'FAILED');
  });

  test('a set verification bundle holds every file verification of the run', async () => {
    const auditor = await tokenOf(e, 'auditor');
    const run = (await e.app.api.post(`/api/v1/audit-sets/${setId}/verifications`, {}, auditor)).json();
    await e.verification.sets.idle();
    await e.app.drainOutboxes();
    const res = await e.app.api.get(`/api/v1/verifications/${run.id}/bundle`, auditor);
    assert.equal(res.statusCode, 200, res.body);
    const b = JSON.parse(res.body) as EvidenceBundle;
    assert.equal(b.kind, 'set-verification');
    const subject = b.subject as SetVerificationSubject;
    assert.equal(subject.run.id, run.id);
    assert.equal(subject.verifications[0]?.result, 'TAMPERED', 'the findings first');
    assert.equal(subject.run.counts.TAMPERED, 1);
    assert.equal(subject.verifications.length, subject.run.total);
    const cli = await runCli(['verify-bundle', write('set.json', res.body)], env);
    assert.equal(cli.code, 0, cli.stdout);
    assert.equal((await pageVerdict(join(dir, 'set.json'))).status, 'VERIFIED');
  });

  test('an event search bundle: the events the user may search, proven, capped and saying so', async () => {
    e.box.emulator.state.uploadNewVersion(
      fileId(e, `${ISO}/Internal Audit Report.pdf`),
      'internal audit, v2\n',
      {
        login: 'admin@demo.example',
      },
    );
    await catchUp(e);
    const from = new Date(e.box.clock.now().getTime() - 24 * 3600_000).toISOString();
    const admin = await tokenOf(e, 'admin');
    const res = await e.app.api.get(
      `/api/v1/events/bundle?from=${encodeURIComponent(from)}&type=EDIT`,
      admin,
    );
    assert.equal(res.statusCode, 200, res.body);
    const b = JSON.parse(res.body) as EvidenceBundle;
    assert.equal(b.kind, 'event-search');
    const subject = b.subject as {
      events: { eventId: string; type: string; leafIndex: number | null }[];
      maxEvents: number;
    };
    assert.ok(subject.events.length >= 1);
    assert.ok(subject.events.every((x) => x.type === 'EDIT' && x.leafIndex !== null));
    assert.equal(subject.maxEvents, 10_000);
    assert.deepEqual(checkBundle(res.body).failures, []);
    const cli = await runCli(['verify-bundle', write('events.json', res.body)], env);
    assert.equal(cli.code, 0, cli.stdout);
    // Scoped like GET /events: a general user in no set sees none of them.
    const user = await tokenOf(e, 'user');
    const scoped = await e.app.api.get(
      `/api/v1/events/bundle?from=${encodeURIComponent(from)}&type=EDIT`,
      user,
    );
    assert.equal(scoped.statusCode, 200, scoped.body);
    assert.deepEqual((JSON.parse(scoped.body) as { subject: { events: unknown[] } }).subject.events, []);
  });
});
