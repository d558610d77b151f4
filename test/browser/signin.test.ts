/**
 * The built web app in a real browser, served by the all-in-one product: an audit admin signs in,
 * starts on "My audit sets", opens the users page, creates an external auditor (dialog: focus trap, Escape, focus return) and
 * signs out; the auditor signs in, sees only what their role allows, switches to Japanese (saved on
 * the account) and no English UI text or raw key is left on the page. Any console error or warning
 * fails the test. Screenshots of each main page go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/web-build.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';
import { type BrowserSession, launchBrowser, waitUntil } from './support/browser.ts';
import { loadCatalogue, untranslated } from './support/catalogues.ts';
import { navigationTiming, visibleTexts } from './support/visible-text.ts';

const ADMIN_EMAIL = 'admin@browser.test';
const AUDITOR = { name: 'Auditor Example', email: 'auditor@browser.test', firm: 'Example Audit LLP' };
const AUDITOR_PASSWORD = 'correct horse battery staple';

let app: TestApp;
let admin: { token: string; userId: string };
let browser: BrowserSession;
let page: Page;

before(async () => {
  ensureWebBuilt({ quiet: true });
  app = await startTestApp();
  admin = await app.bootstrapAdmin(ADMIN_EMAIL);
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

function assertNoProblems(step: string) {
  assert.deepEqual(browser.problems, [], `browser console errors or warnings during: ${step}`);
}

async function signIn(email: string, password: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function noHorizontalScroll(width: number) {
  await page.setViewportSize({ width, height: 740 });
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(scrollWidth <= width, `the page is ${scrollWidth}px wide at a ${width}px viewport`);
}

test('first load: signed out, the app opens on the sign-in page', async (t) => {
  await page.goto(`${app.url}/`);
  await page.waitForURL('**/sign-in');
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  const timing = await navigationTiming(page);
  t.diagnostic(`cold first load (ms): ${JSON.stringify(timing)}`);
  const box = page.getByRole('link', { name: 'Sign in with Box' });
  assert.equal(await box.getAttribute('href'), '/api/v1/auth/box/authorize?returnTo=%2F');
  assert.equal(await page.title(), 'Sign in — Auditor for Box');
  await browser.screenshot('sign-in');
  await noHorizontalScroll(360);
  await browser.screenshot('sign-in-360px');
  await page.setViewportSize({ width: 1280, height: 860 });
  assertNoProblems('first load');
});

test('an audit admin signs in, starts on the audit sets and opens the users page', async () => {
  await signIn(ADMIN_EMAIL, TEST_PASSWORD);
  await page.waitForURL('**/audit-sets');
  await page.getByRole('heading', { level: 1, name: 'My audit sets' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), [
    'My audit sets',
    'Event search',
    'Audit groups',
    'Users and roles',
    'Operations',
    'Settings',
  ]);
  await nav.getByRole('link', { name: 'Users and roles' }).click();
  await page.waitForURL('**/users');
  await page.getByRole('heading', { level: 1, name: 'Users and roles' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: ADMIN_EMAIL });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /Audit admin/);
  await browser.screenshot('users');
  assertNoProblems('admin sign-in');
});

test('the admin creates an external auditor through the dialog', async () => {
  const open = page.getByRole('button', { name: 'New external auditor' });
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'New external auditor' });
  await dialog.waitFor();
  // Escape closes the dialog and gives focus back to the button that opened it.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate<string>('document.activeElement.textContent'), 'New external auditor');
  // Reopened from the keyboard; the background is inert while the dialog is open.
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  assert.ok(await focusInDialog(), 'focus is inside the dialog');
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    // Past the last control focus may rest on the browser's own UI (body), never on the page behind.
    assert.ok(
      await page.evaluate<boolean>(
        "document.querySelector('dialog[open]')?.contains(document.activeElement) || document.activeElement === document.body",
      ),
      'Tab left the dialog',
    );
  }

  await dialog.getByLabel('Name', { exact: true }).fill(AUDITOR.name);
  await dialog.getByLabel('Email address').fill(AUDITOR.email);
  await dialog.getByRole('button', { name: 'Add firm' }).click();
  await dialog.getByLabel('Name of the new firm').fill(AUDITOR.firm);
  await dialog.getByRole('button', { name: 'Add to the list' }).click();
  await assertSelected(dialog.getByLabel('Auditor firm'), AUDITOR.firm);
  await dialog.getByLabel('Set an initial password now and pass it on securely').check();
  await dialog.getByLabel('Initial password', { exact: true }).fill(AUDITOR_PASSWORD);
  await browser.screenshot('new-auditor-dialog');
  await dialog.getByRole('button', { name: 'Create auditor' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page
    .getByRole('status')
    .filter({ hasText: `${AUDITOR.name} was created.` })
    .waitFor();
  const row = page.getByRole('row').filter({ hasText: AUDITOR.email });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(AUDITOR.firm));

  // What the API now holds.
  const res = await app.api.get('/api/v1/users?kind=external', admin.token);
  const created = res.json().items.find((u: { email: string }) => u.email === AUDITOR.email);
  assert.equal(created?.auditorFirm, AUDITOR.firm);
  assert.deepEqual(created?.roles, ['EXTERNAL_AUDITOR']);

  // Filters reach the API: external accounts only.
  await page.getByLabel('Account type', { exact: true }).selectOption('external');
  await page.waitForURL('**/users?kind=external');
  await page.getByRole('row').filter({ hasText: ADMIN_EMAIL }).waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('row').filter({ hasText: AUDITOR.email }).count(), 1);
  await browser.screenshot('users-after-create');
  await noHorizontalScroll(360);
  await browser.screenshot('users-360px');
  await page.setViewportSize({ width: 1280, height: 860 });
  assertNoProblems('creating an auditor');
});

async function assertSelected(select: ReturnType<Page['getByLabel']>, value: string) {
  await waitUntil(async () => (await select.inputValue()) === value, `the select to show ${value}`);
}

/** Focus is on an element inside the open modal dialog. */
function focusInDialog(): Promise<boolean> {
  return page.evaluate<boolean>(
    "document.querySelector('dialog[open]')?.contains(document.activeElement) === true",
  );
}

async function openUserMenu() {
  await page.getByRole('button', { name: /User menu|ユーザーメニュー/ }).click();
}

test('the admin visits the settings and signs out', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  await page.getByRole('heading', { name: 'Personal API tokens' }).waitFor();
  await browser.screenshot('settings-admin');
  await openUserMenu();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  // The session is gone on the server too: the old pages send back to sign-in.
  await page.goto(`${app.url}/users`);
  await page.waitForURL('**/sign-in?returnTo=%2Fusers');
  assertNoProblems('sign-out');
});

test('the auditor signs in, sees only the pages for auditors, and switches to Japanese', async () => {
  await page.goto(`${app.url}/sign-in`);
  await signIn(AUDITOR.email, AUDITOR_PASSWORD);
  await page.waitForURL('**/audit-sets');
  await page.getByRole('heading', { level: 1, name: 'My audit sets' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), [
    'My audit sets',
    'Event search',
    'Settings',
  ]);
  // Pages of other roles are not reachable either.
  await page.goto(`${app.url}/users`);
  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  await page.goto(`${app.url}/settings`);
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();

  await openUserMenu();
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH',
  );
  await page.getByLabel('Language').first().selectOption('ja');
  assert.equal((await saved).status(), 200);
  await waitUntil(
    async () => (await page.evaluate<string>('document.documentElement.lang')) === 'ja',
    'lang=ja',
  );
  await page.getByRole('heading', { level: 1, name: '設定' }).waitFor();

  const en = loadCatalogue('en');
  const ja = loadCatalogue('ja');
  const leftovers = untranslated(await visibleTexts(page), en, ja);
  assert.deepEqual(leftovers, [], 'English UI text or raw keys on the Japanese settings page (menu open)');
  await browser.screenshot('settings-ja');
  await page.keyboard.press('Escape');
  await noHorizontalScroll(360);
  await browser.screenshot('settings-ja-360px');
  await page.setViewportSize({ width: 1280, height: 860 });

  // Saved on the account: a reload keeps Japanese, and the API says so.
  const users = (await app.api.get('/api/v1/users?kind=external', admin.token)).json();
  assert.equal(users.items.find((u: { email: string }) => u.email === AUDITOR.email)?.language, 'ja');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: '設定' }).waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'after a reload');

  // Signed out, the sign-in page stays in Japanese too.
  await openUserMenu();
  await page.getByRole('button', { name: 'サインアウト' }).click();
  await page.waitForURL('**/sign-in');
  await page.getByRole('heading', { level: 1, name: 'サインイン' }).waitFor();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'on the Japanese sign-in page');
  await browser.screenshot('sign-in-ja');
  assertNoProblems('the auditor in Japanese');
});
