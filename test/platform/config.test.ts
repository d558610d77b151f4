/**
 * Configuration (architecture.md §9, issue 2): parsed once with a schema documenting every variable; a
 * bad or missing value stops start-up naming the variable; unknown AUDITOR_* variables are refused;
 * a file and the environment combine with the environment winning; docs/configuration.md is
 * generated from the schema and current.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CONFIG_VARIABLES, ConfigError, loadConfig, renderConfigDocs } from '../../src/platform/config.ts';
import { loadIdentitySecrets } from '../../src/services/identity/identity-module.ts';
import { createTestDatabase, testPgBaseUrl } from '../support/database.ts';
import { childEnv, ROOT, runCli } from '../support/processes.ts';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditor-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('defaults apply when nothing is set', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 8080);
    assert.equal(c.AUDITOR_ACCESS_TOKEN_TTL, 15 * 60_000);
    assert.equal(c.AUDITOR_RESET_CODE_TTL, 15 * 60_000);
    assert.equal(c.AUDITOR_AUTO_MIGRATE, true);
    assert.equal(c.DATABASE_URL, undefined);
    assert.deepEqual(c.AUDITOR_INGEST_EVENT_TYPES, []);
  });

  test('each kind of bad value is refused with an error naming the variable', () => {
    const cases: [string, string][] = [
      ['PORT', 'eighty'],
      ['PORT', '-1'],
      ['AUDITOR_OUTBOX_POLL_INTERVAL', 'soon'],
      ['AUDITOR_AUTO_MIGRATE', 'maybe'],
      ['LOG_LEVEL', 'loud'],
      ['AUDITOR_PUBLIC_URL', 'ftp://auditor.example'],
      ['AUDITOR_BODY_LIMIT', '10'],
      ['AUDITOR_INTROSPECTION_CACHE_TTL', '31s'],
    ];
    for (const [name, value] of cases) {
      const err = configError(() => loadConfig({ [name]: value }));
      assert.equal(err.variable, name);
      assert.match(err.message, new RegExp(`^Configuration error: ${name} `));
    }
  });

  test('a value that needs another stops start-up naming the missing one', () => {
    assert.equal(
      configError(() => loadConfig({ BOX_OAUTH_CLIENT_ID: 'id' })).variable,
      'BOX_OAUTH_CLIENT_SECRET',
    );
    assert.equal(
      configError(() => loadConfig({ BOX_CCG_CLIENT_ID: 'id' })).variable,
      'BOX_CCG_CLIENT_SECRET',
    );
    assert.equal(
      configError(() => loadConfig({ NODE_ENV: 'production', AUDITOR_DEMO: 'true' })).variable,
      'AUDITOR_DEMO',
    );
  });

  test('in production a missing signing key stops start-up naming AUDITOR_JWT_PRIVATE_KEY_FILE (it is generated only outside production)', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    const err = configError(() => loadIdentitySecrets({ config, dataDir: join(dir, 'prod') }));
    assert.equal(err.variable, 'AUDITOR_JWT_PRIVATE_KEY_FILE');
    const dev = loadIdentitySecrets({ config: loadConfig({}), dataDir: join(dir, 'dev') });
    assert.match(dev.jwtPem, /BEGIN PRIVATE KEY/);
    const missingFile = loadConfig({
      NODE_ENV: 'production',
      AUDITOR_JWT_PRIVATE_KEY_FILE: join(dir, 'nope.pem'),
    });
    assert.equal(
      configError(() => loadIdentitySecrets({ config: missingFile, dataDir: dir })).variable,
      'AUDITOR_JWT_PRIVATE_KEY_FILE',
    );
  });

  test('an unknown AUDITOR_* variable (a typo) is refused; AUDITOR_TEST_* are the tests’ own', () => {
    const err = configError(() => loadConfig({ AUDITOR_OUTBOX_POL_INTERVAL: '1s' }));
    assert.equal(err.variable, 'AUDITOR_OUTBOX_POL_INTERVAL');
    assert.match(err.message, /not a known variable/);
    assert.doesNotThrow(() =>
      loadConfig({ AUDITOR_TEST_CRASH_POINT: 'relay.before-deliver', OTHER_TOOL_SETTING: 'x' }),
    );
  });

  test('a file supplies values, the environment overrides the file, command-line flags override both', () => {
    const yaml = join(dir, 'auditor.yaml');
    writeFileSync(
      yaml,
      'PORT: 1111\nLOG_LEVEL: debug\nAUDITOR_INGEST_EVENT_TYPES: [UPLOAD, DELETE]\nAUDITOR_OUTBOX_POLL_INTERVAL: 2s\n',
    );
    const fromFile = loadConfig({ AUDITOR_CONFIG_FILE: yaml });
    assert.equal(fromFile.PORT, 1111);
    assert.equal(fromFile.LOG_LEVEL, 'debug');
    assert.deepEqual(fromFile.AUDITOR_INGEST_EVENT_TYPES, ['UPLOAD', 'DELETE']);
    assert.equal(fromFile.AUDITOR_OUTBOX_POLL_INTERVAL, 2000);
    const envWins = loadConfig({ AUDITOR_CONFIG_FILE: yaml, PORT: '2222' });
    assert.equal(envWins.PORT, 2222);
    assert.equal(envWins.LOG_LEVEL, 'debug');
    assert.equal(loadConfig({ AUDITOR_CONFIG_FILE: yaml, PORT: '2222' }, { PORT: '3333' }).PORT, 3333);

    const json = join(dir, 'auditor.json');
    writeFileSync(json, JSON.stringify({ AUDITOR_HOST: '0.0.0.0' }));
    assert.equal(loadConfig({ AUDITOR_CONFIG_FILE: json }).AUDITOR_HOST, '0.0.0.0');
  });

  test('a bad file is refused naming what is wrong: an unknown key, a bad value in it, or no file at all', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'PROT: 1\n');
    assert.equal(configError(() => loadConfig({ AUDITOR_CONFIG_FILE: bad })).variable, 'PROT');
    writeFileSync(bad, 'PORT: many\n');
    assert.equal(configError(() => loadConfig({ AUDITOR_CONFIG_FILE: bad })).variable, 'PORT');
    assert.equal(
      configError(() => loadConfig({ AUDITOR_CONFIG_FILE: join(dir, 'missing.yaml') })).variable,
      'AUDITOR_CONFIG_FILE',
    );
  });

  test('an empty value counts as unset and falls back to the file or the default', () => {
    assert.equal(loadConfig({ PORT: '' }).PORT, 8080);
    assert.equal(loadConfig({ AUDITOR_AUTO_MIGRATE: '' }).AUDITOR_AUTO_MIGRATE, true);
    assert.equal(loadConfig({ AUDITOR_OUTBOX_POLL_INTERVAL: '' }).AUDITOR_OUTBOX_POLL_INTERVAL, 250);
    const yaml = join(dir, 'port.yaml');
    writeFileSync(yaml, 'PORT: 4444\n');
    assert.equal(loadConfig({ AUDITOR_CONFIG_FILE: yaml, PORT: '' }).PORT, 4444);
  });

  test('docs/configuration.md is generated from the schema and current (regenerate: node bin/auditor.mjs config docs > docs/configuration.md)', () => {
    const file = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    assert.equal(file, `${renderConfigDocs()}\n`);
    for (const [name, spec] of Object.entries(CONFIG_VARIABLES)) {
      const line = file.split('\n').find((l) => l.startsWith(`| \`${name}\``));
      assert.ok(line, `${name} is documented`);
      assert.ok(spec.description.length >= 8, `${name} has a description`);
      if ('secret' in spec && spec.secret) {
        assert.match(line, /\(secret\)/);
        assert.ok(!('default' in spec), `secret ${name} has no default value`);
      }
    }
  });

  test('the CLI refuses to start on a bad value, naming it, with exit code 2', async () => {
    const res = await runCli(['serve'], childEnv({ PORT: 'eighty', AUDITOR_DATA_DIR: join(dir, 'cli') }));
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /Configuration error: PORT must be an integer/);
  });

  test('the CLI refuses to start in production without a signing key, naming AUDITOR_JWT_PRIVATE_KEY_FILE', async () => {
    const db = testPgBaseUrl() ? await createTestDatabase() : undefined;
    try {
      const res = await runCli(
        ['serve'],
        childEnv({
          NODE_ENV: 'production',
          PORT: '0',
          AUDITOR_DATA_DIR: join(dir, 'prod-cli'),
          ...(db ? { DATABASE_URL: db.url } : {}),
        }),
      );
      assert.notEqual(res.code, 0);
      assert.match(res.stderr, /AUDITOR_JWT_PRIVATE_KEY_FILE is required in production/);
    } finally {
      await db?.drop();
    }
  });
});
