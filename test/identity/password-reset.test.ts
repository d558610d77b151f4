/**
 * Password reset by emailed code (product.md F1.4) through a real SMTP server started in-process: the
 * code arrives by email, works once, expires, is attempt-limited, and an unknown account gets exactly
 * the answer a known one gets. The codes and the passwords never appear in an HTTP response or in a
 * log line: every response of this file and every captured log line is scanned for them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { createManualClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createPasswordHasher } from '../../src/services/identity/passwords.ts';
import { type Actor, createAuditor, createBoxActor, identityOf, signIn } from '../support/identity.ts';
import { type ReceivedMail, resetCodeIn, startSmtpServer, type TestSmtpServer } from '../support/mail.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

describe('password reset by emailed code', () => {
  const clock = createManualClock('2026-09-14T07:00:00Z');
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: Actor;
  let orgId: string;
  let n = 0;
  /** Every response this file received, and every secret it used, for the final scan. */
  const responses: LightMyRequestResponse[] = [];
  const secrets = new Set<string>([TEST_PASSWORD]);

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({
      clock,
      env: { AUDITOR_SMTP_URL: smtp.url, AUDITOR_RESET_CODE_MAX_ATTEMPTS: '3' },
    });
    orgId = (await app.bootstrapAdmin('admin@reset.test')).orgId;
    admin = await signIn(app, 'admin@reset.test');
  });
  after(async () => {
    await app?.stop();
    await smtp?.close();
  });

  async function post(url: string, body: unknown): Promise<LightMyRequestResponse> {
    const res = await app.api.post(url, body);
    responses.push(res);
    return res;
  }
  const requestReset = (email: string) => post('/api/v1/auth/password/reset-request', { email });
  const reset = (email: string, code: string, newPassword: string) => {
    secrets.add(newPassword);
    return post('/api/v1/auth/password/reset', { email, code, newPassword });
  };
  const login = (email: string, password: string) => post('/api/v1/auth/login', { email, password });
  const errorCode = (res: LightMyRequestResponse) => res.json().error.code;

  /** Sends what is queued (the mail job's work) and returns the newest message to `email` over SMTP. */
  async function inbox(email: string): Promise<ReceivedMail> {
    const before = smtp.messages.length;
    await identityOf(app).deps.mail.flush();
    return smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to.includes(email));
  }
  async function codeFor(email: string): Promise<string> {
    assert.equal((await requestReset(email)).statusCode, 202);
    const code = resetCodeIn((await inbox(email)).text);
    secrets.add(code);
    return code;
  }
  // A fresh admin session each time: one test moves the clock past the access-token lifetime.
  const newAuditor = async (extra: Record<string, unknown> = {}) =>
    (await createAuditor(app, (await signIn(app, admin.email)).token, `ea${++n}@reset.test`, extra)).email;

  test('the code arrives over SMTP, sets the new password, and ends the sessions of the old one', async () => {
    const email = await newAuditor();
    const session = await signIn(app, email);
    const code = await codeFor(email);
    const mail = smtp.messages.at(-1)!;
    assert.deepEqual(mail.to, [email]);
    assert.match(mail.from, /no-reply@auditor\.local/);
    assert.match(mail.text, /valid for 15 minutes/);
    const res = await reset(email, code, 'the new password of ea');
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(errorCode(await login(email, TEST_PASSWORD)), 'INVALID_CREDENTIALS');
    assert.equal((await login(email, 'the new password of ea')).statusCode, 200);
    const old = await app.api.get('/api/v1/me', session.token);
    assert.equal(old.statusCode, 401, 'sessions signed in with the old password end');
  });

  test('a code works once', async () => {
    const email = await newAuditor();
    const code = await codeFor(email);
    assert.equal((await reset(email, code, 'first new password')).statusCode, 204);
    const again = await reset(email, code, 'second new password');
    assert.equal(again.statusCode, 400);
    assert.equal(errorCode(again), 'RESET_CODE_INVALID');
    assert.equal((await login(email, 'first new password')).statusCode, 200);
  });

  test('a code expires after AUDITOR_RESET_CODE_TTL (15 minutes by default)', async () => {
    const email = await newAuditor();
    const code = await codeFor(email);
    clock.advance(15 * 60_000 + 1000);
    const res = await reset(email, code, 'too late password');
    assert.equal(errorCode(res), 'RESET_CODE_INVALID');
    assert.equal((await login(email, TEST_PASSWORD)).statusCode, 200, 'the password is unchanged');
  });

  test('after the allowed wrong guesses even the right code is refused', async () => {
    const email = await newAuditor();
    const code = await codeFor(email);
    for (let i = 0; i < 3; i++) {
      const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
      assert.equal(
        errorCode(await reset(email, wrong.slice(0, 9) + String(i), 'guessing password')),
        'RESET_CODE_INVALID',
      );
    }
    assert.equal(errorCode(await reset(email, code, 'right code too late')), 'RESET_CODE_INVALID');
    assert.equal((await login(email, TEST_PASSWORD)).statusCode, 200);
  });

  test('a new request voids the previous code; the code is accepted with spaces, dashes and lower case', async () => {
    const email = await newAuditor();
    const first = await codeFor(email);
    const second = await codeFor(email);
    assert.notEqual(first, second);
    assert.equal(errorCode(await reset(email, first, 'with the first code')), 'RESET_CODE_INVALID');
    const typed = `${second.slice(0, 5).toLowerCase()}-${second.slice(5)} `;
    assert.equal((await reset(email, typed, 'with the second code')).statusCode, 204);
  });

  test('an unknown account, a Box user and a known auditor get exactly the same answer; only the auditor gets mail', async () => {
    const known = await newAuditor();
    const box = await createBoxActor(app, { orgId, email: `box${++n}@reset.test`, roles: ['GENERAL_USER'] });
    const answers = [];
    for (const email of [known, 'nobody-here@reset.test', box.email]) {
      const res = await requestReset(email);
      // Everything but the per-request id, the date and the rate-limit countdown.
      const headers = Object.fromEntries(
        Object.entries(res.headers).filter(
          ([k]) => k !== 'x-request-id' && k !== 'date' && !k.startsWith('x-ratelimit-'),
        ),
      );
      answers.push({ status: res.statusCode, body: res.body, headers });
    }
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0]);
    const sentBefore = smtp.messages.length;
    await identityOf(app).deps.mail.flush();
    await smtp.waitFor((m) => m.to.includes(known));
    const sent = smtp.messages.slice(sentBefore).flatMap((m) => m.to);
    assert.deepEqual(sent, [known]);
  });

  test('an auditor who prefers Japanese gets the email in Japanese', async () => {
    const email = await newAuditor({ language: 'ja' });
    await requestReset(email);
    const mail = await inbox(email);
    assert.match(mail.subject, /パスワードの再設定/);
    assert.match(mail.text, /パスワード再設定コード/);
  });

  test('codes are stored only as hashes and queued email bodies only encrypted', async () => {
    const email = await newAuditor();
    await requestReset(email);
    const dump = await sql<{ t: string }>`
      select (select string_agg(row_to_json(r)::text, '') from identity.password_resets r) ||
             (select string_agg(row_to_json(e)::text, '') from identity.emails e) as t`.execute(
      app.platform.pool.db,
    );
    const code = resetCodeIn((await inbox(email)).text);
    secrets.add(code);
    assert.ok(!dump.rows[0]!.t.includes(code));
    assert.ok(!dump.rows[0]!.t.includes('reset code'));
  });

  test('one password is hashed at production cost (the default argon2 settings) and verifies', async () => {
    const defaults = loadConfig({});
    assert.equal(defaults.AUDITOR_ARGON2_MEMORY_KIB, 19456);
    const hasher = createPasswordHasher(
      defaults.AUDITOR_ARGON2_MEMORY_KIB,
      defaults.AUDITOR_ARGON2_ITERATIONS,
    );
    const hash = await hasher.hash('correct horse battery staple');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await hasher.verify(hash, 'correct horse battery staple'), true);
    assert.equal(await hasher.verify(hash, 'correct horse battery stapler'), false);
  });

  // Last: scans what every test above produced.
  test('no reset code and no password ever appeared in a response or a log line', () => {
    assert.ok(secrets.size > 8, 'codes and passwords were collected');
    assert.ok(responses.length > 20 && app.logs.length > 20, 'there is output to scan');
    const logs = app.logs.join('\n');
    for (const secret of secrets) {
      for (const res of responses) {
        assert.ok(!res.body.includes(secret), `a response body contains "${secret}"`);
        assert.ok(!JSON.stringify(res.headers).includes(secret), `response headers contain "${secret}"`);
      }
      assert.ok(!logs.includes(secret), `a log line contains "${secret}"`);
    }
  });
});
