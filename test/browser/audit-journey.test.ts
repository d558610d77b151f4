/**
 * The main journey of issue 7 in a real browser, against the all-in-one product and the local Box:
 * the demo admin signs in with Box (the local Box's consent page), creates an audit set with an
 * external auditor as reviewer, adds a folder from Box excluding a subfolder in the tri-state tree
 * (by mouse and by keyboard), and signs out; the auditor signs in, sees only the allowed files,
 * opens one, previews it (the preview answers 200 and lands in the set's access log, recorded by the
 * server), downloads it, verifies it and downloads the evidence bundle, verifies the whole set from
 * its page (live progress, then the report with a file tampered in Box, the run's bundle); then
 * switches to Japanese and no English UI text or raw key is left on the pages visited. No console error or warning is allowed; screenshots go to
 * test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { RunningBoxEmulator } from '../../box-emulator/index.ts';
import { identityOf, sessionOf, signIn as signInApi } from '../support/identity.ts';
import type { TestApp } from '../support/test-app.ts';
import { type BrowserSession, launchBrowser, waitUntil } from './support/browser.ts';
import { loadCatalogue, untranslated } from './support/catalogues.ts';
import { type DemoProduct, startDemoProduct } from './support/demo-product.ts';
import { visibleTexts } from './support/visible-text.ts';

const ADMIN_LOGIN = 'admin@demo.example';
const AUDITOR = {
  name: 'Journey Auditor',
  email: 'journey.auditor@browser.test',
  password: 'journey auditor password',
};
const SET_NAME = 'Compliance review 2026';

let box: RunningBoxEmulator;
let app: TestApp;
let browser: BrowserSession;
let page: Page;
let adminToken: string;
let setId: string;
/** The set verification the auditor runs (its report is checked in Japanese too). */
let runId: string;
const ids = {} as Record<
  'compliance' | 'sox' | 'iso' | 'deficiencyLog' | 'testResults' | 'riskRegister',
  string
>;

let product: DemoProduct;

before(async () => {
  product = await startDemoProduct();
  ({ box, app } = product);
  const state = box.emulator.state;
  ids.compliance = state.folderByPath('Compliance')!.id;
  ids.sox = state.folderByPath('Compliance/SOX')!.id;
  ids.iso = state.folderByPath('Compliance/ISO 27001')!.id;
  ids.deficiencyLog = state.fileByPath('Compliance/SOX/Deficiency Log.csv')!.id;
  ids.testResults = state.fileByPath('Compliance/SOX/Test Results Q1.xlsx')!.id;
  ids.riskRegister = state.fileByPath('Compliance/ISO 27001/Risk Register.xlsx')!.id;
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

/**
 * Chromium warns about a preview document that asks for an origin-keyed agent cluster (helmet's
 * `Origin-Agent-Cluster: ?1`) while its CSP sandboxes it into an opaque origin. That pair of headers
 * comes from the file service's preview route (reported; the UI cannot avoid it), so exactly this
 * warning, for a preview URL, is expected when a text preview is shown.
 */
const PREVIEW_AGENT_CLUSTER_WARNING =
  /^console warning: The page requested an origin-keyed agent cluster .* \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/files\/\d+\/preview\?setId=[\w-]+:\d+\)$/;

/** The console lines of a step must be exactly the expected ones. */
function expectConsole(step: string, o: { previewShown?: boolean } = {}) {
  const seen = browser.problems.splice(0);
  const unexpected = seen.filter(
    (line) =>
      // The local Box's consent page has no favicon; that is the emulator's page, not ours.
      !line.includes(`${box.url}/favicon.ico`) &&
      !(o.previewShown && PREVIEW_AGENT_CLUSTER_WARNING.test(line)),
  );
  assert.deepEqual(unexpected, [], `unexpected console output during: ${step}`);
}

/** Attributes change after React renders: wait for the value rather than read it once. */
async function expectAttribute(locator: Locator, name: string, value: string) {
  await waitUntil(async () => (await locator.getAttribute(name)) === value, `${name}="${value}"`).catch(
    async () =>
      assert.equal(await locator.getAttribute(name), value, `${name} of ${await locator.textContent()}`),
  );
}

const nav = () => page.getByRole('navigation', { name: /Main|メイン/ });

async function noHorizontalScroll(what: string) {
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  const wide =
    width > 360
      ? await page.evaluate<string>(
          "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 361 && ![...e.children].some((c) => c.getBoundingClientRect().right > 361)).slice(0, 5).map((e) => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40)).join(' | ')",
        )
      : '';
  assert.ok(width <= 360, `${what} is ${width}px wide at a 360px viewport: ${wide}`);
  await browser.screenshot(`${what}-360px`);
  await page.setViewportSize({ width: 1280, height: 860 });
}

async function signOut() {
  await page.getByRole('button', { name: /User menu|ユーザーメニュー/ }).click();
  await page.getByRole('button', { name: /^(Sign out|サインアウト)$/ }).click();
  await page.waitForURL('**/sign-in');
}

test('the demo admin signs in with Box through the local Box', async () => {
  await page.goto(`${app.url}/`);
  await page.waitForURL('**/sign-in');
  await page.getByRole('link', { name: 'Sign in with Box' }).click();
  // The local Box's consent page: one button per user of the demo enterprise.
  await page.waitForURL(`${box.url}/**`);
  await page.getByRole('button', { name: `Sign in as Demo Admin (${ADMIN_LOGIN})` }).click();
  await page.waitForURL(`${app.url}/audit-sets`);
  await page.getByRole('heading', { level: 1, name: 'My audit sets' }).waitFor();
  assert.deepEqual(await nav().getByRole('link').allTextContents(), [
    'My audit sets',
    'Event search',
    'Audit groups',
    'Users and roles',
    'Operations',
    'Settings',
  ]);
  // A session for the test's own API checks, and the external auditor, created through the API.
  const identity = identityOf(app);
  const row = await identity.deps.users.userByEmail(identity.deps.db, ADMIN_LOGIN);
  assert.ok(row?.box_user_id, 'the admin signed in with Box');
  adminToken = (await sessionOf(app, row)).token;
  const created = await app.api.post(
    '/api/v1/users',
    { email: AUDITOR.email, name: AUDITOR.name, password: AUDITOR.password },
    adminToken,
  );
  assert.equal(created.statusCode, 201, created.body);
  expectConsole('Box sign-in');
});

test('the admin creates an audit set with the auditor as reviewer', async () => {
  await page.getByRole('link', { name: 'New audit set' }).click();
  await page.getByRole('heading', { level: 1, name: 'New audit set' }).waitFor();
  await page.getByLabel('Name of the set').fill(SET_NAME);
  await page.getByLabel('Description').fill('Evidence for the 2026 SOX review.');
  const reviewers = page.getByRole('group', { name: 'Reviewers' });
  await reviewers.getByLabel('Find a person').fill('Journey');
  await reviewers.getByRole('button', { name: /^Add\W+Journey Auditor$/ }).click();
  await reviewers.getByRole('button', { name: /^Remove\W+Journey Auditor$/ }).waitFor();
  await browser.screenshot('new-audit-set');
  await page.getByRole('button', { name: 'Create audit set' }).click();
  await page.getByRole('heading', { level: 1, name: SET_NAME }).waitFor();
  await page
    .getByRole('status')
    .filter({ hasText: `The audit set “${SET_NAME}” was created.` })
    .waitFor();
  setId = new URL(page.url()).pathname.split('/')[2]!;
  const people = (await app.api.get(`/api/v1/audit-sets/${setId}/collaborators`, adminToken)).json();
  assert.deepEqual(
    people.collaborators.map((c: { email: string; role: string }) => [c.email, c.role]),
    [
      [ADMIN_LOGIN, 'OWNER'],
      [AUDITOR.email, 'REVIEWER'],
    ],
  );
  expectConsole('creating a set');
});

test('the admin adds a folder from Box, excluding a subfolder in the tri-state tree', async () => {
  await page.getByRole('link', { name: 'Add a file or folder' }).click();
  await page.getByRole('heading', { level: 1, name: `Add to “${SET_NAME}”` }).waitFor();
  await page.getByRole('button', { name: /^Choose this folder\W+Compliance$/ }).click();
  const tree = page.getByRole('tree', { name: 'Contents of Compliance' });
  const item = (name: string) => tree.getByRole('treeitem', { name, exact: true });
  await item('ISO 27001').waitFor();
  await expectAttribute(item('Compliance'), 'aria-checked', 'true');

  // Mouse: unchecking ISO 27001 makes Compliance partial.
  await item('ISO 27001').click();
  await expectAttribute(item('ISO 27001'), 'aria-checked', 'false');
  await expectAttribute(item('Compliance'), 'aria-checked', 'mixed');
  // Keyboard: on SOX, → opens it, ↓ goes to its first file, Space unchecks and re-checks it.
  await item('SOX').focus();
  await page.keyboard.press('ArrowRight');
  await tree
    .getByRole('treeitem', { name: /\.(xlsx|csv|txt)$/ })
    .first()
    .waitFor();
  await expectAttribute(item('SOX'), 'aria-expanded', 'true');
  await page.keyboard.press('ArrowDown');
  const focused = () =>
    page.evaluate<string>("document.activeElement.querySelector('.tree-name')?.textContent ?? ''");
  await waitUntil(async () => /\.(xlsx|csv|txt)$/.test(await focused()), 'focus on the first file of SOX');
  const file = await focused();
  await page.keyboard.press('Space');
  await expectAttribute(item(file), 'aria-checked', 'false');
  await expectAttribute(item('SOX'), 'aria-checked', 'mixed');
  await page.keyboard.press('Space');
  await expectAttribute(item('SOX'), 'aria-checked', 'true');
  assert.equal(await focused(), file, 'focus stays on the row');
  const summary = page.getByRole('region', { name: 'What the set will allow' });
  assert.match((await summary.textContent()) ?? '', /Except:ISO 27001 \(folder, with everything in it\)/);
  await browser.screenshot('allow-list-tree');
  await noHorizontalScroll('allow-list-tree');

  await page.getByRole('button', { name: 'Add the folder' }).click();
  await page.getByRole('heading', { level: 1, name: SET_NAME }).waitFor();
  await page.getByRole('status').filter({ hasText: '“Compliance” was added.' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'Compliance' });
  assert.match((await row.textContent()) ?? '', /Folder, selected content/);
  // The baseline is recorded in the background; the page polls until the item is monitored.
  await row.getByText('Monitored', { exact: true }).waitFor({ timeout: 30_000 });
  await browser.screenshot('audit-set-items');

  // Exactly the rules the tree means: the folder with everything, except ISO 27001.
  const items = (await app.api.get(`/api/v1/audit-sets/${setId}/items`, adminToken)).json().items;
  assert.deepEqual(items[0].rules, [
    { itemId: ids.compliance, itemType: 'folder', effect: 'include', scope: 'subtree' },
    { itemId: ids.iso, itemType: 'folder', effect: 'exclude', scope: 'subtree' },
  ]);

  // Editing pre-checks the tree from the stored rules.
  await row.getByRole('link', { name: /Change what is allowed/ }).click();
  const again = page.getByRole('tree', { name: 'Contents of Compliance' });
  await again.getByRole('treeitem', { name: 'ISO 27001', exact: true }).waitFor();
  await expectAttribute(
    again.getByRole('treeitem', { name: 'Compliance', exact: true }),
    'aria-checked',
    'mixed',
  );
  await expectAttribute(
    again.getByRole('treeitem', { name: 'ISO 27001', exact: true }),
    'aria-checked',
    'false',
  );
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('heading', { level: 1, name: SET_NAME }).waitFor();
  expectConsole('adding a folder');
  await signOut();
  expectConsole('signing out');
});

test('the auditor sees only the allowed files, previews and downloads one', async () => {
  // Another person, another browser.
  await browser.close();
  browser = await launchBrowser();
  page = browser.page;
  await page.goto(`${app.url}/`);
  await page.getByLabel('Email address').fill(AUDITOR.email);
  await page.getByLabel('Password', { exact: true }).fill(AUDITOR.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL('**/audit-sets');
  assert.deepEqual(await nav().getByRole('link').allTextContents(), [
    'My audit sets',
    'Event search',
    'Settings',
  ]);
  const card = page.getByRole('listitem').filter({ hasText: SET_NAME });
  await card.getByText('New', { exact: true }).waitFor();
  await browser.screenshot('auditor-audit-sets');
  await card.getByRole('link', { name: SET_NAME }).click();
  await page.getByRole('heading', { level: 1, name: SET_NAME }).waitFor();
  assert.equal(
    await page.getByRole('link', { name: 'Add a file or folder' }).count(),
    0,
    'reviewers add nothing',
  );
  await page.getByRole('link', { name: 'Compliance' }).click();
  await page.getByRole('heading', { level: 1, name: 'Compliance' }).waitFor();
  const listed = page.getByRole('table', { name: 'Allowed content of the folder' });
  await listed.getByRole('link', { name: 'SOX' }).waitFor();
  assert.equal(
    await listed.getByRole('link', { name: 'ISO 27001' }).count(),
    0,
    'the excluded folder is not shown',
  );
  await listed.getByRole('link', { name: 'SOX' }).click();
  await page.getByRole('heading', { level: 1, name: 'SOX' }).waitFor();
  await listed.getByRole('link', { name: 'Deficiency Log.csv' }).waitFor();
  const shown = await listed.getByRole('link').allTextContents();
  const sox = ['Controls Matrix.xlsx', 'Deficiency Log.csv', 'Test Results Q1.xlsx'];
  assert.ok(
    sox.every((name) => shown.includes(name)),
    `SOX's files are listed: ${shown.join(', ')}`,
  );
  await browser.screenshot('auditor-set-folder');
  // Excluded files are not reachable by their address either.
  const auditor = await signInApi(app, AUDITOR.email, AUDITOR.password);
  assert.equal((await app.api.get(`/api/v1/files/${ids.riskRegister}`, auditor.token)).statusCode, 404);

  await listed.getByRole('link', { name: 'Deficiency Log.csv' }).click();
  await page.getByRole('heading', { level: 1, name: 'Deficiency Log.csv' }).waitFor();
  await page.getByRole('heading', { name: 'Versions' }).waitFor();
  const preview = page.waitForResponse((r) => r.url().includes(`/api/v1/files/${ids.deficiencyLog}/preview`));
  await page.getByRole('button', { name: 'Show preview' }).click();
  const previewed = await preview;
  assert.ok([200, 206].includes(previewed.status()), `preview answered ${previewed.status()}`);
  assert.match(previewed.url(), new RegExp(`setId=${setId}`));
  await page.frameLocator('iframe[title="Preview of Deficiency Log.csv"]').locator('body').waitFor();
  await browser.screenshot('auditor-file-details');

  // Recorded by the server in the set's access log.
  await waitUntil(async () => {
    const log = await app.api.get(
      `/api/v1/audit-sets/${setId}/access-logs?itemId=${ids.deficiencyLog}`,
      adminToken,
    );
    return log
      .json()
      .items.some(
        (e: { action: string; user: { email: string } }) =>
          e.action === 'PREVIEW' && e.user.email === AUDITOR.email,
      );
  }, 'the preview in the access log');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download', exact: true }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'Deficiency Log.csv');
  assert.equal(await file.failure(), null);
  const log = (
    await app.api.get(`/api/v1/audit-sets/${setId}/access-logs?itemId=${ids.deficiencyLog}`, adminToken)
  ).json();
  assert.deepEqual(log.items.map((e: { action: string }) => e.action).sort(), [
    'DOWNLOAD',
    'PREVIEW',
    'VIEW',
  ]);
  expectConsole('the auditor previews and downloads', { previewShown: true });

  // Verify it now: the result comes with its evidence, and the bundle downloads.
  await page.getByRole('button', { name: 'Verify now' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /^Verification finished: / })
    .waitFor({ timeout: 20_000 });
  const evidence = page.getByRole('region', { name: 'Result and evidence' });
  await evidence.getByText('Signed checkpoint').waitFor();
  const history = await app.api.get(`/api/v1/files/${ids.deficiencyLog}/verifications`, adminToken);
  assert.equal(history.json().items.length, 1, 'the verification is in the file history');
  const bundle = page.waitForEvent('download');
  await evidence.getByRole('button', { name: 'Evidence bundle (JSON)' }).click();
  assert.match((await bundle).suggestedFilename(), /^evidence-.*\.json$/);
  await browser.screenshot('auditor-verification');
  await noHorizontalScroll('auditor-file-details');
  expectConsole('the auditor verifies the file', { previewShown: true });
});

test('the auditor verifies the whole set: live progress, then the report with a TAMPERED file and its bundle', async () => {
  // Box's content of one file changes behind the ledger's back (no event): the run must find it.
  box.emulator.controls.tamper({ action: 'change-content', fileId: ids.testResults });
  await page.goto(`${app.url}/audit-sets/${setId}`);
  await page.getByRole('heading', { level: 1, name: SET_NAME }).waitFor();
  // Progress comes from the server-sent event stream (EventSource with the session cookie).
  const stream = page.waitForRequest((r) => /\/verifications\/[\w-]+\/progress$/.test(r.url()));
  await page.getByRole('button', { name: 'Verify set', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `Verification of “${SET_NAME}”` }).waitFor();
  runId = new URL(page.url()).pathname.split('/')[4]!;
  await stream;
  await page
    .getByRole('status')
    .filter({ hasText: /^Verification finished: \d+ files checked, 1 tampered\.$/ })
    .waitFor({ timeout: 30_000 });
  const run = (await app.api.get(`/api/v1/audit-sets/${setId}/verifications/${runId}`, adminToken)).json();
  assert.equal(run.status, 'DONE');
  const bar = page.getByRole('progressbar', { name: 'Summary' });
  await expectAttribute(bar, 'aria-valuemax', String(run.total));
  await expectAttribute(bar, 'aria-valuenow', String(run.total));
  assert.deepEqual(run.counts, { INTACT: run.total - 1, TAMPERED: 1 });

  // The finding first, with its reason in words; then every file of the set, linked within the set.
  const findings = page.getByRole('region', { name: /Tampered files \(1\)/ });
  await findings.getByRole('link', { name: 'Test Results Q1.xlsx' }).waitFor();
  await findings.getByText("A recorded version's content differs in Box.").waitFor();
  const results = page.getByRole('table', { name: 'Results per file' });
  await results.getByRole('link', { name: 'Deficiency Log.csv' }).waitFor();
  assert.equal(await results.getByRole('row').count(), run.total + 1, 'one row per file of the set');
  assert.equal(
    await results.getByRole('link', { name: 'Deficiency Log.csv' }).getAttribute('href'),
    `/files/${ids.deficiencyLog}?setId=${setId}`,
  );
  await page.getByLabel('Outcome', { exact: true }).selectOption('TAMPERED');
  await waitUntil(async () => (await results.getByRole('row').count()) === 2, 'only the TAMPERED file');
  await results.getByRole('row').filter({ hasText: 'Test Results Q1.xlsx' }).getByText('Tampered').waitFor();
  const bundle = page.waitForEvent('download');
  await page
    .getByRole('region', { name: 'Evidence bundle of this run' })
    .getByRole('button', { name: 'Evidence bundle (JSON)' })
    .click();
  assert.match((await bundle).suggestedFilename(), /^evidence-.*\.json$/);
  await browser.screenshot('set-verification');
  await noHorizontalScroll('set-verification');

  // The run is in the set's history.
  await page.getByRole('link', { name: 'Verification runs' }).click();
  await page.getByRole('heading', { level: 1, name: `Verification runs of “${SET_NAME}”` }).waitFor();
  await page.getByRole('row').filter({ hasText: 'Finished' }).filter({ hasText: 'Tampered' }).waitFor();
  // Back to the report; a file's name leads to its details within the set (where the next step starts).
  await page.goBack();
  await page
    .getByRole('table', { name: 'Results per file' })
    .getByRole('link', { name: 'Deficiency Log.csv' })
    .click();
  await page.getByRole('heading', { level: 1, name: 'Deficiency Log.csv' }).waitFor();
  await page.getByRole('heading', { name: 'Properties' }).waitFor();
  expectConsole('the auditor verifies the set');
});

test('in Japanese, no English UI text or raw key is left on the auditor pages', async () => {
  const en = loadCatalogue('en');
  const ja = loadCatalogue('ja');
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByLabel('Language').first().selectOption('ja');
  await page.getByRole('heading', { name: 'プロパティ' }).waitFor();
  await page.keyboard.press('Escape');
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'file details');
  await browser.screenshot('auditor-file-details-ja');

  await page.goto(`${app.url}/audit-sets/${setId}`);
  await page.getByRole('heading', { name: 'アイテム' }).waitFor();
  await page.getByRole('row').filter({ hasText: 'Compliance' }).waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'set contents');
  await browser.screenshot('audit-set-ja');

  await page.goto(`${app.url}/audit-sets/${setId}/verifications/${runId}`);
  await page.getByRole('heading', { level: 1, name: `「${SET_NAME}」の検証` }).waitFor();
  await page.getByRole('table', { name: 'ファイルごとの結果' }).getByRole('row').nth(1).waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'set verification');
  await browser.screenshot('set-verification-ja');
  await page.goto(`${app.url}/audit-sets/${setId}/verifications`);
  await page.getByRole('heading', { level: 1, name: `「${SET_NAME}」の検証の実行履歴` }).waitFor();
  await page.getByRole('table').getByRole('link').first().waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'set verification runs');

  await nav().getByRole('link', { name: 'マイ監査セット' }).click();
  await page.getByRole('heading', { level: 1, name: 'マイ監査セット' }).waitFor();
  await page.getByRole('link', { name: SET_NAME }).waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'my audit sets');
  await noHorizontalScroll('audit-sets-ja');

  await nav().getByRole('link', { name: 'イベント検索' }).click();
  await page.getByRole('heading', { level: 1, name: 'イベント検索' }).waitFor();
  await page.getByRole('heading', { name: /件のイベント/ }).waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'event search');
  await browser.screenshot('event-search-ja');
  expectConsole('Japanese pages');
});

test('back as admin: the access log shows the auditor; an audit group; event search', async () => {
  await browser.close();
  browser = await launchBrowser();
  page = browser.page;
  await page.goto(`${app.url}/sign-in`);
  await page.getByRole('link', { name: 'Sign in with Box' }).click();
  await page.getByRole('button', { name: `Sign in as Demo Admin (${ADMIN_LOGIN})` }).click();
  await page.waitForURL(`${app.url}/audit-sets`);

  // The access log of the set, as the server recorded it.
  await page.getByRole('link', { name: SET_NAME }).click();
  await page.getByRole('link', { name: 'Access log' }).click();
  await page.getByRole('heading', { level: 1, name: `Access log of “${SET_NAME}”` }).waitFor();
  // Entries carry item ids; the page names them (the file's name appears once looked up).
  const previewed = page
    .getByRole('row')
    .filter({ hasText: 'Previewed' })
    .filter({ hasText: AUDITOR.name })
    .filter({ hasText: 'Deficiency Log.csv' });
  await previewed.waitFor();
  await page.getByRole('row').filter({ hasText: 'Downloaded' }).waitFor();
  await previewed.getByRole('button', { name: /Only this item/ }).click();
  await page.waitForURL(`**/access-log?item=${ids.deficiencyLog}`);
  await browser.screenshot('access-log');
  expectConsole('the access log');

  // An audit group of external auditors.
  await nav().getByRole('link', { name: 'Audit groups' }).click();
  await page.getByRole('button', { name: 'New audit group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New audit group' });
  await dialog.getByLabel('Name', { exact: true }).fill('Journey Audit LLP');
  await dialog.getByLabel('Find a person').fill('Journey');
  await dialog.getByRole('button', { name: /^Add\W+Journey Auditor$/ }).click();
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'The group “Journey Audit LLP” was created.' }).waitFor();
  assert.match(
    (await page.getByRole('row').filter({ hasText: 'Journey Audit LLP' }).textContent()) ?? '',
    /Journey Auditor/,
  );
  await browser.screenshot('audit-groups');

  // Event search with its chart and exports.
  await nav().getByRole('link', { name: 'Event search' }).click();
  await page.getByRole('heading', { name: /events found$/ }).waitFor();
  // Filters: one event type, oldest first; they reach the API, the address and the export link.
  await page.locator('summary').filter({ hasText: 'Event types' }).click();
  await page.getByRole('checkbox', { name: /^Download \(/ }).check();
  await page.getByLabel('Order').selectOption('asc');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/\/events\?type=DOWNLOAD&order=asc$/);
  const table = page.getByRole('table', { name: 'Events' });
  await waitUntil(
    async () =>
      (await table.getByRole('cell', { name: 'Download', exact: true }).count()) > 0 &&
      new Set(await table.locator('tbody td:nth-child(2)').allTextContents()).size === 1,
    'only downloads listed',
  );
  const csv = await page.getByRole('link', { name: 'Export as CSV' }).getAttribute('href');
  assert.match(csv ?? '', /^\/api\/v1\/events\/export\?type=DOWNLOAD&order=asc&format=csv$/);
  const exported = await app.api.get(csv!, adminToken);
  assert.equal(exported.statusCode, 200);
  assert.match(String(exported.headers['content-type']), /^text\/csv/);
  const signed = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Evidence bundle (signed)' }).click();
  assert.match((await signed).suggestedFilename(), /^evidence-events-.*\.json$/);
  await browser.screenshot('event-search');
  await noHorizontalScroll('event-search');
  expectConsole('groups and event search');
});

test('from the Box integration menu: a file added to a set at once, a folder with the tri-state tree', async () => {
  // Box opens our entry URL; signed in, it leads to the file's page (never trusting a user in the URL).
  await page.goto(`${app.url}/api/v1/integrations/box/open?itemType=file&itemId=${ids.riskRegister}`);
  await page.waitForURL(`**/box/file/${ids.riskRegister}`);
  await page.getByRole('heading', { level: 1, name: 'Risk Register.xlsx' }).waitFor();
  const sets = page.getByRole('region', { name: 'In my audit sets' });
  await sets.getByLabel(SET_NAME).check();
  await sets.getByRole('button', { name: 'Save (add to 1, remove from 0)' }).click();
  await sets.getByRole('status').filter({ hasText: 'Your audit sets were updated.' }).waitFor();
  let items = (await app.api.get(`/api/v1/audit-sets/${setId}/items`, adminToken)).json().items;
  assert.ok(
    items.some((i: { itemId: string; type: string }) => i.itemId === ids.riskRegister && i.type === 'file'),
  );
  await browser.screenshot('box-file-entry');
  expectConsole('the Box file entry');

  // A folder of 1,500 files below Board: the tree loads it a page at a time and renders only what is in view.
  const state = box.emulator.state;
  const board = state.folderByPath('Board')!.id;
  const scans = state.createFolder(board, 'Scans', { login: ADMIN_LOGIN });
  for (let i = 0; i < 1500; i++) {
    state.createFile(scans.id, `Scan ${String(i).padStart(4, '0')}.txt`, `scan ${i}\n`, {
      login: ADMIN_LOGIN,
    });
  }
  await page.goto(`${app.url}/api/v1/integrations/box/open?itemType=folder&itemId=${board}`);
  await page.waitForURL(`**/box/folder/${board}`);
  await page.getByRole('heading', { level: 1, name: 'Board' }).waitFor();
  await page.getByLabel('Audit set', { exact: true }).selectOption({ label: SET_NAME });
  const tree = page.getByRole('tree', { name: 'Contents of Board' });
  await tree.getByRole('treeitem', { name: 'Minutes', exact: true }).click();
  await expectAttribute(tree.getByRole('treeitem', { name: 'Board', exact: true }), 'aria-checked', 'mixed');
  await tree.getByRole('treeitem', { name: 'Scans', exact: true }).focus();
  await page.keyboard.press('ArrowRight');
  const scan = (n: number) => tree.getByRole('treeitem', { name: `Scan ${String(n).padStart(4, '0')}.txt` });
  await scan(0).waitFor();
  assert.equal(await scan(0).getAttribute('aria-setsize'), '200', 'the first page of the folder');
  assert.ok((await tree.getByRole('treeitem').count()) < 60, 'only the rows in view are rendered');
  // End goes to the last row, "show more", which loads the next page as soon as it is in view.
  await page.keyboard.press('End');
  await scan(199).waitFor();
  await expectAttribute(scan(199), 'aria-setsize', '400');
  assert.equal(await scan(0).count(), 0, 'rows out of view are not rendered');
  assert.ok((await tree.getByRole('treeitem').count()) < 60, 'still only the rows in view');
  await browser.screenshot('allow-tree-1500');
  await page.getByRole('button', { name: 'Add the folder' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `“Board” was added to “${SET_NAME}”.` })
    .waitFor();
  items = (await app.api.get(`/api/v1/audit-sets/${setId}/items`, adminToken)).json().items;
  const added = items.find((i: { itemId: string }) => i.itemId === board);
  assert.deepEqual(
    added?.rules.map((r: { effect: string; scope: string }) => `${r.effect}:${r.scope}`),
    ['include:subtree', 'exclude:subtree'],
  );
  await browser.screenshot('box-folder-entry');
  await noHorizontalScroll('box-folder-entry');
  expectConsole('the Box folder entry');
});

test('the owner deletes a set after confirming; an audit admin restores it', async () => {
  const res = await app.api.post('/api/v1/audit-sets', { name: 'Short-lived set' }, adminToken);
  assert.equal(res.statusCode, 201, res.body);
  await page.goto(`${app.url}/audit-sets/${res.json().id}/manage`);
  await page.getByRole('heading', { level: 1, name: 'Manage “Short-lived set”' }).waitFor();
  await page.getByRole('button', { name: 'Delete set' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete “Short-lived set”?' });
  await confirm.getByRole('button', { name: 'Delete set' }).click();
  await page.waitForURL('**/audit-sets');
  await page.getByRole('status').filter({ hasText: '“Short-lived set” was deleted.' }).waitFor();
  await page.getByRole('link', { name: 'Deleted sets' }).click();
  const card = page.getByRole('listitem').filter({ hasText: 'Short-lived set' });
  await card.getByRole('button', { name: /Restore/ }).click();
  await page.getByRole('status').filter({ hasText: '“Short-lived set” was restored.' }).waitFor();
  assert.equal((await app.api.get(`/api/v1/audit-sets/${res.json().id}`, adminToken)).json().deletedAt, null);
  expectConsole('delete and restore');
});

test('the admin pages of the journey are fully Japanese', async () => {
  await nav().getByRole('link', { name: 'Event search' }).click();
  await page.getByRole('heading', { name: /events found$/ }).waitFor();
  const en = loadCatalogue('en');
  const ja = loadCatalogue('ja');
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByLabel('Language').first().selectOption('ja');
  await page.getByRole('heading', { level: 1, name: 'イベント検索' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('heading', { name: /件のイベント/ }).waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'event search (admin)');
  const pages: [string, string, Locator][] = [
    [`/audit-sets/${setId}/access-log`, `「${SET_NAME}」のアクセスログ`, page.getByRole('table')],
    [`/audit-sets/${setId}/manage`, `「${SET_NAME}」の管理`, page.getByLabel('Journey Audit LLP')],
    ['/audit-groups', '監査グループ', page.getByRole('table')],
    ['/audit-sets/new', '監査セットの作成', page.getByLabel('Journey Audit LLP')],
    [
      `/box/folder/${box.emulator.state.folderByPath('Board')!.id}`,
      'Board',
      page.getByLabel('監査セット', { exact: true }),
    ],
    [
      `/box/file/${ids.riskRegister}`,
      'Risk Register.xlsx',
      page.getByRole('region', { name: 'マイ監査セットでの扱い' }),
    ],
  ];
  for (const [path, heading, content] of pages) {
    await page.goto(`${app.url}${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await content.waitFor();
    assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], path);
    await noHorizontalScroll(`ja-${path.split('/').filter(Boolean).pop()}`);
  }
  await browser.screenshot('manage-audit-set-ja');
  expectConsole('the admin in Japanese');
});
