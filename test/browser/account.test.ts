/**
 * Account flows in a real browser: personal API tokens (shown once, usable, revocable), two-step
 * verification (enrol with the shown secret, sign in with a code, turn off), the session renewing
 * itself (before expiry without a 401, and after a 401), the maintenance banner, password reset and
 * invitation pages, and API errors shown where the action was. Errors the API is *expected* to
 * answer appear in Chromium's console as "Failed to load resource" lines; each step lists exactly
 * which it expects, and anything else fails the test.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/web-build.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';
import { type BrowserSession, launchBrowser, waitUntil } from './support/browser.ts';
import { loadCatalogue, untranslated } from './support/catalogues.ts';
import { visibleTexts } from './support/visible-text.ts';

const AUDITOR = {
  name: 'Tanaka Hanako',
  email: 'tanaka@browser.test',
  password: 'a long enough auditor password',
};

let app: TestApp;
let admin: { token: string; userId: string };
let auditorId: string;
let browser: BrowserSession;
let page: Page;

before(async () => {
  ensureWebBuilt({ quiet: true });
  app = await startTestApp();
  admin = await app.bootstrapAdmin('admin@account.test');
  const res = await app.api.post(
    '/api/v1/users',
    { email: AUDITOR.email, name: AUDITOR.name, password: AUDITOR.password },
    admin.token,
  );
  assert.equal(res.statusCode, 201, res.body);
  auditorId = res.json().id;
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

/** The console lines of this step must be exactly the expected failed requests (by status). */
function expectConsole(step: string, statuses: number[]) {
  const seen = browser.problems.splice(0);
  const expected = statuses.map(
    (s) => new RegExp(`^console error: Failed to load resource: the server responded with a status of ${s} `),
  );
  const unexpected = seen.filter((line) => !expected.some((re) => re.test(line)));
  assert.deepEqual(unexpected, [], `unexpected console output during: ${step}`);
  assert.equal(seen.length, statuses.length, `console during ${step}: ${seen.join(' | ')}`);
}

async function signIn(email: string, password: string) {
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signed in, everyone starts on "My audit sets"; other pages are a click in the navigation away. */
async function openFromNavigation(name: string, url: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await page.waitForURL(url);
}

async function signOut() {
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

/**
 * A code for the time step `offset` steps from the one the enrolment started in. The server takes a
 * code once and only for a newer step than the last it took (±1 step of drift): enrolling with the
 * previous step, signing in with the current one and turning off with the next lets the test run
 * within one 30-second window instead of waiting for the clock.
 */
let enrolStep = 0;
function totpAt(secret: string, offset: -1 | 0 | 1): string {
  return new TOTP({ secret: Secret.fromBase32(secret.replace(/\s/g, '')) }).generate({
    timestamp: (enrolStep + offset) * 30_000,
  });
}

test('personal API tokens: created, shown once, usable, revoked', async () => {
  await signIn(AUDITOR.email, AUDITOR.password);
  await page.waitForURL('**/audit-sets');
  await openFromNavigation('Settings', '**/settings');
  await page.getByLabel('Token name').fill('Nightly export');
  await page.getByRole('checkbox', { name: /^Write/ }).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('region', { name: 'Your new token “Nightly export”' });
  await shown.waitFor();
  const token = (await shown.locator('code').textContent())?.trim() ?? '';
  assert.ok(token.length > 20, 'the token is shown');
  await browser.screenshot('api-token-created');
  const me = await app.api.get('/api/v1/me', token);
  assert.equal(me.statusCode, 200);
  assert.deepEqual(me.json().scopes, ['read', 'write']);

  await shown.getByRole('button', { name: 'I have copied it' }).click();
  await shown.waitFor({ state: 'detached' });
  const row = page.getByRole('row').filter({ hasText: 'Nightly export' });
  await row.waitFor();
  assert.equal(await page.getByText(token).count(), 0, 'the secret is not shown again');

  await row.getByRole('button', { name: /Revoke/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke “Nightly export”?' });
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'The token “Nightly export” was revoked.' }).waitFor();
  assert.equal(await row.count(), 0);
  assert.equal((await app.api.get('/api/v1/me', token)).statusCode, 401);
  expectConsole('API tokens', []);
});

test('two-step verification: enrol, sign in with a code, turn off', async () => {
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = (await page.locator('#totp-secret').textContent()) ?? '';
  assert.match(secret, /^[A-Z2-7 ]{20,}$/);
  await page.getByText('Show the setup address (otpauth)').click();
  assert.match((await page.getByText(/^otpauth:\/\/totp\//).textContent()) ?? '', /secret=/);
  await browser.screenshot('totp-enrol');
  enrolStep = Math.floor(Date.now() / 30_000);
  await page.getByLabel('Authenticator code').fill(totpAt(secret, -1));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByRole('status').filter({ hasText: 'Two-step verification is on.' }).waitFor();
  expectConsole('TOTP enrolment', []);

  await signOut();
  await signIn(AUDITOR.email, AUDITOR.password);
  // The API asks for the code (401 TOTP_REQUIRED); the field appears with focus.
  const code = page.getByLabel('Authenticator code');
  await code.waitFor();
  await waitUntil(
    () => code.evaluate((el) => el === el.ownerDocument.activeElement),
    'focus on the code field',
  );
  await page.getByRole('status').filter({ hasText: 'Enter the code from your authenticator app.' }).waitFor();
  await code.fill('000000');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'The authenticator code is wrong.' }).waitFor();
  await code.fill(totpAt(secret, 0));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL('**/audit-sets');
  await openFromNavigation('Settings', '**/settings');
  expectConsole('sign-in with TOTP', [401, 401]);

  await page.getByLabel('Authenticator code').fill(totpAt(secret, 1));
  await page.getByRole('button', { name: 'Turn off' }).click();
  await page.getByRole('status').filter({ hasText: 'Two-step verification is off.' }).waitFor();
  assert.equal((await app.api.get(`/api/v1/users/${auditorId}`, admin.token)).json().totpEnabled, false);
  expectConsole('TOTP off', []);
});

test('the session renews itself: before expiry without a 401, and after one', async () => {
  const calls: string[] = [];
  const onResponse = (r: { url(): string; status(): number; request(): { method(): string } }) => {
    if (r.url().includes('/api/v1/'))
      calls.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  };
  page.on('response', onResponse);
  try {
    // Known to be expiring (the access cookie is gone too): refresh first, then the call.
    await browser.context.clearCookies({ name: 'afb_access' });
    await page.evaluate("localStorage.setItem('afb.accessExpiresAt', String(Date.now() - 1000))");
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await waitUntil(async () => calls.some((c) => c.startsWith('GET /api/v1/api-tokens')), 'the token list');
    assert.deepEqual(
      calls.filter((c) => !c.includes('/ops/status')),
      ['POST /api/v1/auth/refresh 200', 'GET /api/v1/me 200', 'GET /api/v1/api-tokens 200'],
    );
    expectConsole('proactive refresh', []);

    // Unknown expiry: the call fails with 401, the client refreshes once and retries.
    calls.length = 0;
    await browser.context.clearCookies({ name: 'afb_access' });
    await page.evaluate("localStorage.removeItem('afb.accessExpiresAt')");
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    assert.deepEqual(calls.filter((c) => !c.includes('/ops/status')).slice(0, 3), [
      'GET /api/v1/me 401',
      'POST /api/v1/auth/refresh 200',
      'GET /api/v1/me 200',
    ]);
    expectConsole('refresh after 401', [401]);
  } finally {
    page.off('response', onResponse);
  }
});

test('maintenance: a write answered 503 shows the banner; it goes when writes work again', async () => {
  const name = page.getByLabel('Name', { exact: true });
  await app.adminCommands['maintenance.set']!({ enabled: true });
  await name.fill('Tanaka Hanako (KPMG)');
  await page.getByRole('button', { name: 'Save' }).click();
  const banner = page.getByRole('status').filter({ hasText: 'Maintenance in progress.' });
  await banner.waitFor();
  await page.getByRole('alert').filter({ hasText: 'The service is in maintenance.' }).waitFor();
  await browser.screenshot('maintenance');
  await app.adminCommands['maintenance.set']!({ enabled: false });
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor();
  await banner.waitFor({ state: 'detached' });
  assert.equal(
    (await app.api.get(`/api/v1/users/${auditorId}`, admin.token)).json().name,
    'Tanaka Hanako (KPMG)',
  );
  expectConsole('maintenance', [503]);
  await signOut();
});

test('password reset and invitation pages show the API answers', async () => {
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
  await page.getByLabel('Email address').fill(AUDITOR.email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.getByLabel('Code from the email').fill('WRONG-CODE');
  await page.getByLabel('New password', { exact: true }).fill('another long password here');
  await page.getByLabel('Repeat the new password').fill('another long password there');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.getByRole('alert').filter({ hasText: 'The two passwords do not match.' }).waitFor();
  await page.getByLabel('Repeat the new password').fill('another long password here');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.getByRole('alert').filter({ hasText: 'The reset code is invalid or has expired.' }).waitFor();
  await browser.screenshot('forgot-password');
  expectConsole('password reset', [400]);

  await page.goto(`${app.url}/accept-invitation#token=${'x'.repeat(40)}`);
  await page.getByRole('heading', { level: 1, name: 'Accept your invitation' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
  await page.getByLabel('New password', { exact: true }).fill('my very own password');
  await page.getByLabel('Repeat the new password').fill('my very own password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByRole('alert').filter({ hasText: 'The invitation is invalid or has expired.' }).waitFor();
  await page.goto(`${app.url}/accept-invitation`);
  await page.getByRole('alert').filter({ hasText: 'This invitation link is incomplete.' }).waitFor();
  expectConsole('invitation', [400]);
});

test('an admin sees role errors in the dialog and deletes an auditor after confirming', async () => {
  await signIn('admin@account.test', TEST_PASSWORD);
  await page.waitForURL('**/audit-sets');
  await openFromNavigation('Users and roles', '**/users');
  const me = page.getByRole('row').filter({ hasText: 'admin@account.test' });
  await me.getByRole('button', { name: /Change roles/ }).click();
  const roles = page.getByRole('dialog', { name: 'Roles of Administrator' });
  await roles.getByRole('checkbox', { name: /^General user/ }).check();
  await roles.getByRole('checkbox', { name: /^Audit admin/ }).uncheck();
  await roles.getByRole('button', { name: 'Save' }).click();
  await roles.getByRole('alert').filter({ hasText: 'This role cannot be given to this user.' }).waitFor();
  await browser.screenshot('roles-error');
  await roles.getByRole('button', { name: 'Cancel' }).click();
  await roles.waitFor({ state: 'detached' });

  const row = page.getByRole('row').filter({ hasText: AUDITOR.email });
  await row.getByRole('button', { name: /Delete/ }).click();
  const confirm = page.getByRole('dialog', { name: /^Delete Tanaka Hanako/ });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  assert.equal(await row.count(), 1, 'cancel keeps the user');
  await row.getByRole('button', { name: /Delete/ }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /was deleted\.$/ })
    .waitFor();
  await row.waitFor({ state: 'detached' });
  assert.equal((await app.api.get(`/api/v1/users/${auditorId}`, admin.token)).statusCode, 404);
  expectConsole('admin errors and delete', [400]);
});

test('the users page and its dialog are fully Japanese', async () => {
  const en = loadCatalogue('en');
  const ja = loadCatalogue('ja');
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByLabel('Language').first().selectOption('ja');
  await page.getByRole('heading', { level: 1, name: 'ユーザーとロール' }).waitFor();
  await page.keyboard.press('Escape');
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'users page');
  await browser.screenshot('users-ja');
  await page.getByRole('button', { name: '外部監査人を追加' }).click();
  const dialog = page.getByRole('dialog', { name: '外部監査人の追加' });
  await dialog.getByRole('radio', { name: /初期パスワード/ }).check();
  await dialog.getByRole('button', { name: '監査法人を追加' }).click();
  assert.deepEqual(untranslated(await visibleTexts(page), en, ja), [], 'new auditor dialog');
  await browser.screenshot('new-auditor-dialog-ja');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expectConsole('Japanese users page', []);
});
