/**
 * The Operations overview in a real browser, against the all-in-one product and the local Box with
 * background work on (ingestion, ledger, checkpoints and the witness every second): the demo admin
 * signs in through the local Box, opens Operations from the navigation (audit admins only), and sees
 * the ingestion and ledger panels with the same figures the API gives — events stored, leaves in the
 * log, the cosigned checkpoint — and the SLO panel saying that no Prometheus is configured. No console
 * error or warning; at 360 px nothing scrolls sideways; in Japanese no English UI text is left.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { RunningBoxEmulator } from '../../box-emulator/index.ts';
import {
  createAuditor,
  createBoxActor,
  identityOf,
  sessionOf,
  signIn as signInApi,
} from '../support/identity.ts';
import type { TestApp } from '../support/test-app.ts';
import { type BrowserSession, launchBrowser, waitUntil } from './support/browser.ts';
import { loadCatalogue, untranslated } from './support/catalogues.ts';
import { type DemoProduct, startDemoProduct } from './support/demo-product.ts';
import { visibleTexts } from './support/visible-text.ts';

const ADMIN_LOGIN = 'admin@demo.example';

let box: RunningBoxEmulator;
let app: TestApp;
let browser: BrowserSession;
let page: Page;
let adminToken: string;

let product: DemoProduct;

before(async () => {
  product = await startDemoProduct({ AUDITOR_INGEST_POLL_INTERVAL: '1s' });
  ({ box, app } = product);
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

function expectNoProblems(step: string) {
  const seen = browser.problems.splice(0);
  // The local Box's consent page has no favicon; that is the emulator's page, not ours.
  const ours = seen.filter((line) => !line.includes(`${box.url}/favicon.ico`));
  assert.deepEqual(ours, [], `console output during: ${step}`);
}

/** The value shown next to a label in a panel's facts. */
const fact = (region: Locator, label: string) =>
  region
    .locator('dl.facts > div')
    .filter({ has: page.locator('dt', { hasText: label }) })
    .locator('dd');

interface Figures {
  eventsStored: number;
  treeSize: number;
  checkpointSize: number | null;
  cosignedSize: number | null;
}

async function figures(): Promise<Figures> {
  const ingest = await app.api.get('/api/v1/events/ingest-status', adminToken);
  const ledger = await app.api.get('/api/v1/ledger/status', adminToken);
  assert.equal(ingest.statusCode, 200, ingest.body);
  assert.equal(ledger.statusCode, 200, ledger.body);
  return {
    eventsStored: ingest.json().ingestion.eventsStored,
    treeSize: ledger.json().treeSize,
    checkpointSize: ledger.json().checkpoint?.treeSize ?? null,
    cosignedSize: ledger.json().witness.lastCosignature?.treeSize ?? null,
  };
}

const en = (n: number) => new Intl.NumberFormat('en-US').format(n);

test('the demo admin opens Operations and sees ingestion and ledger figures equal to the API', async () => {
  await page.goto(`${app.url}/sign-in`);
  await page.getByRole('link', { name: 'Sign in with Box' }).click();
  await page.waitForURL(`${box.url}/**`);
  await page.getByRole('button', { name: `Sign in as Demo Admin (${ADMIN_LOGIN})` }).click();
  await page.waitForURL(`${app.url}/audit-sets`);
  const identity = identityOf(app);
  const row = await identity.deps.users.userByEmail(identity.deps.db, ADMIN_LOGIN);
  assert.ok(row, 'the demo admin exists');
  adminToken = (await sessionOf(app, row)).token;

  // Background work settles: the demo enterprise's events are stored, appended to the log, the log
  // is checkpointed and the witness's cosignature of that checkpoint imported.
  let settled: Figures | undefined;
  await waitUntil(
    async () => {
      const now = await figures();
      const done =
        now.eventsStored > 0 &&
        now.checkpointSize === now.treeSize &&
        now.cosignedSize === now.treeSize &&
        JSON.stringify(now) === JSON.stringify(settled);
      settled = now;
      return done;
    },
    'events ingested, checkpointed and cosigned',
    90_000,
  );
  const f = settled!;
  assert.ok(f.treeSize >= f.eventsStored, 'every stored event is a leaf');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operations' }).click();
  await page.waitForURL('**/operations');
  await page.getByRole('heading', { level: 1, name: 'Operations overview' }).waitFor();

  const ingest = page.getByRole('region', { name: 'Event ingestion' });
  await fact(ingest, 'Events stored')
    .filter({ hasText: en(f.eventsStored) })
    .waitFor();
  assert.equal((await fact(ingest, 'State').textContent())?.trim(), 'Ingesting');
  assert.match((await fact(ingest, 'Lag').textContent()) ?? '', /\d+ sec/);
  assert.notEqual((await fact(ingest, 'Last poll').textContent())?.trim(), 'Never');
  await ingest.getByRole('heading', { name: 'Events per day (UTC), last 14 days' }).waitFor();
  await ingest.getByText(/events over 14 days/).waitFor();

  const ledger = page.getByRole('region', { name: 'Ledger and witness' });
  await fact(ledger, 'Leaves in the log')
    .filter({ hasText: new RegExp(`^${en(f.treeSize)}$`) })
    .waitFor();
  assert.match(
    (await fact(ledger, 'Latest checkpoint').textContent()) ?? '',
    new RegExp(`^${en(f.treeSize)} leaves, signed `),
  );
  assert.equal((await fact(ledger, 'Leaves not yet in a checkpoint').textContent())?.trim(), '0');
  const witness = page.getByRole('region', { name: 'Witness' });
  assert.equal((await fact(witness, 'Witness status').textContent())?.trim(), 'Answering');
  assert.match(
    (await fact(witness, 'Latest cosignature').textContent()) ?? '',
    new RegExp(`^${en(f.treeSize)} leaves, cosigned `),
  );
  await witness.getByText('The witness has refused no checkpoint of this log.').waitFor();

  const slo = page.getByRole('region', { name: 'Service level objectives' });
  await slo.getByText('The SLO summary is not configured.').waitFor();
  await slo.getByText('AUDITOR_PROMETHEUS_URL', { exact: true }).waitFor();
  await page.getByText(/Updated .+\./).waitFor();
  await browser.screenshot('operations');
  expectNoProblems('the Operations page');

  // The figures refresh on their own every 30 seconds.
  const shownAt = Date.now();
  await page.waitForRequest((r) => r.url().endsWith('/api/v1/ledger/status'), { timeout: 45_000 });
  const waited = Date.now() - shownAt;
  assert.ok(waited > 20_000, `refetched after ${waited} ms, not every 30 s`);
  expectNoProblems('the automatic refresh');

  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(width <= 360, `the Operations page is ${width}px wide at a 360px viewport`);
  await browser.screenshot('operations-360px');
  await page.setViewportSize({ width: 1280, height: 860 });
});

test('general users and external auditors are refused by all three APIs, anonymous callers too', async () => {
  const identity = identityOf(app);
  const admin = await identity.deps.users.userByEmail(identity.deps.db, ADMIN_LOGIN);
  const gu = await createBoxActor(app, {
    orgId: admin!.org_id,
    email: 'ops-gu@browser.test',
    roles: ['GENERAL_USER'],
  });
  await createAuditor(app, adminToken, 'ops-ea@browser.test');
  const ea = await signInApi(app, 'ops-ea@browser.test');
  for (const url of ['/api/v1/events/ingest-status', '/api/v1/ledger/status', '/api/v1/ops/slo']) {
    for (const who of [gu, ea]) assert.equal((await app.api.get(url, who.token)).statusCode, 403, url);
    assert.equal((await app.api.get(url)).statusCode, 401, url);
  }
});

test('in Japanese, the Operations page has no English UI text left', async () => {
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByLabel('Language').first().selectOption('ja');
  await page.getByRole('heading', { level: 1, name: '運用の概要' }).waitFor();
  await page.keyboard.press('Escape');
  const ingest = page.getByRole('region', { name: 'イベントの取り込み' });
  await fact(ingest, '保存済みイベント数').waitFor();
  const witness = page.getByRole('region', { name: '証人' });
  await witness.getByText('証人はこのログのチェックポイントを一度も拒否していません。').waitFor();
  await page
    .getByRole('region', { name: 'サービスレベル目標' })
    .getByText('SLO の概要は設定されていません。')
    .waitFor();
  assert.equal(
    await page
      .getByRole('navigation', { name: 'メインメニュー' })
      .getByRole('link', { name: '運用' })
      .count(),
    1,
  );
  assert.deepEqual(untranslated(await visibleTexts(page), loadCatalogue('en'), loadCatalogue('ja')), []);
  await browser.screenshot('operations-ja');
  expectNoProblems('the Operations page in Japanese');
});
