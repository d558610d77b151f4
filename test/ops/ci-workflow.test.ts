/**
 * The CI/CD workflow (.github/workflows/ci.yml) and the Dockerfile: they cannot run here, so they
 * must at least parse, cover the plan's §5.2 checklist, and call only scripts that exist.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { paths, readText, readYaml, repoRoot, run } from './support/ops.ts';

/**
 * npm scripts the workflow and the Dockerfile call that package.json does not have yet. For the lead:
 * add them, then remove them from this list (the test fails once a listed script exists, so the list
 * cannot go stale).
 */
const PENDING_NPM_SCRIPTS: string[] = [];

interface Workflow {
  on: unknown;
  jobs: Record<
    string,
    { needs?: string[]; steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }
  >;
}

const workflow = () => readYaml<Workflow>(paths.workflow);
const packageScripts = () =>
  Object.keys(
    (JSON.parse(readText(join(repoRoot, 'package.json'))) as { scripts: Record<string, string> }).scripts,
  );

function runLines(): string[] {
  return Object.values(workflow().jobs).flatMap((j) => j.steps.map((s) => s.run ?? '').filter(Boolean));
}

/** `npm run X` and `npm test|start` calls in a text. */
function npmScriptsCalled(text: string): string[] {
  return [
    ...[...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/npm (test|start)\b/g)].map((m) => m[1] as string),
  ];
}

test('the workflow parses and runs tests, audit, image scan, performance smoke, image build, canary deploy and smoke test', () => {
  const wf = workflow();
  assert.ok(wf.on);
  const text = readText(paths.workflow);
  for (const job of ['test', 'dependency-audit', 'performance-smoke', 'image', 'deploy', 'smoke'])
    assert.ok(wf.jobs[job], `job ${job}`);
  assert.ok(text.includes('node --import tsx scripts/audit-dependencies.ts'), 'the dependency audit runs');
  assert.ok(text.includes('npm run bench -- --size smoke'));
  const uses = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''));
  assert.ok(
    uses.some((u) => u.startsWith('aquasecurity/trivy-action@')),
    'Trivy image scan',
  );
  assert.ok(
    uses.some((u) => u.startsWith('docker/build-push-action@')),
    'image build',
  );
  const trivy = Object.values(wf.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.startsWith('aquasecurity/trivy-action@'));
  assert.equal(trivy?.with?.['exit-code'], '1', 'the scan fails the build');
  // Order of the plan's checklist: nothing deploys before tests, audit and performance pass.
  assert.deepEqual(wf.jobs.image?.needs, ['test', 'dependency-audit', 'performance-smoke']);
  assert.deepEqual(wf.jobs.deploy?.needs, ['image']);
  assert.deepEqual(wf.jobs.smoke?.needs, ['deploy']);
  for (const action of uses.filter(Boolean))
    assert.match(action, /@v?\d/, `${action} is not pinned to a version`);
});

test('every npm script the workflow and the Dockerfile call exists, or is on the pending list for the lead', () => {
  const scripts = new Set(packageScripts());
  const called = new Set([
    ...runLines().flatMap(npmScriptsCalled),
    ...npmScriptsCalled(readText(paths.dockerfile)),
  ]);
  for (const s of called)
    assert.ok(scripts.has(s) || PENDING_NPM_SCRIPTS.includes(s), `npm script ${s} does not exist`);
  for (const s of PENDING_NPM_SCRIPTS) assert.ok(called.has(s), `${s} is pending but nothing calls it`);
});

test('the pending list names no npm script that package.json already has', () => {
  const scripts = new Set(packageScripts());
  for (const s of PENDING_NPM_SCRIPTS) {
    assert.ok(
      !scripts.has(s),
      `package.json now has "${s}": remove it from PENDING_NPM_SCRIPTS in this file`,
    );
  }
});

test('every script the workflow runs exists, is executable and is valid shell', () => {
  const called = new Set(
    runLines().flatMap((line) =>
      [...line.matchAll(/(?:^|\s)((?:\.ci|deploy\/scripts)\/[\w./-]+)/g)].map((m) => m[1] as string),
    ),
  );
  assert.ok(called.has('.ci/run'));
  assert.ok(called.has('deploy/scripts/deploy.sh'));
  assert.ok(called.has('deploy/scripts/post-deploy-smoke.sh'));
  for (const script of called) {
    const file = join(repoRoot, script);
    assert.ok(existsSync(file), `${script} is missing`);
    assert.ok((statSync(file).mode & 0o111) !== 0, `${script} is not executable`);
    const res = run('bash', ['-n', file]);
    assert.equal(res.status, 0, `${script}: ${res.stderr}`);
  }
});

test('the workflow passes secrets only through GitHub secrets', () => {
  const text = readText(paths.workflow);
  assert.doesNotMatch(text, /-----BEGIN|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{20,}/);
  for (const m of text.matchAll(/\$\{\{\s*secrets\.(\w+)\s*\}\}/g)) assert.match(m[1] as string, /^[A-Z_]+$/);
});

// ------------------------------------------------------------------------------ Dockerfile

test('the Dockerfile builds in a build stage and runs production dependencies as a non-root user with a healthcheck', () => {
  const text = readText(paths.dockerfile);
  const lines = text.split('\n').filter((l) => !l.trim().startsWith('#'));
  const stages = lines.filter((l) => /^FROM\s/.test(l));
  assert.ok(stages.length >= 2, 'multi-stage');
  const build = text.slice(text.indexOf('AS build'), text.indexOf('AS runtime'));
  const runtime = text.slice(text.indexOf('AS runtime'));
  assert.match(build, /RUN npm ci\b/);
  assert.match(build, /RUN npm run build/);
  assert.match(runtime, /npm ci --omit=dev/);
  assert.doesNotMatch(
    runtime,
    /npm ci --no-audit --no-fund\n/,
    'the runtime must not install dev dependencies',
  );
  assert.match(runtime, /COPY --from=build \/app\/dist \.\/dist/);
  assert.match(runtime, /COPY --from=build \/app\/web\/dist \.\/web\/dist/);
  const user = /^USER\s+(\S+)/m.exec(runtime)?.[1] ?? '';
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `USER ${user}`);
  assert.match(runtime, /^HEALTHCHECK .*\n?.*\/health\/live/m);
  assert.match(runtime, /ENTRYPOINT \["node", "dist\/src\/cli\/main\.js"\]/);
});

test('the image carries no secrets', () => {
  const text = readText(paths.dockerfile);
  for (const m of text.matchAll(/^(?:ENV|ARG)\s+(.+)$/gm)) {
    assert.doesNotMatch(m[1] as string, /(PASSWORD|SECRET|TOKEN|KEY|DATABASE_URL)/i, m[0]);
  }
  assert.doesNotMatch(text, /COPY\s+[^\n]*\.env/);
  const ignore = readText(join(repoRoot, 'deploy/docker/Dockerfile.dockerignore'));
  for (const entry of ['.env', 'node_modules', '.git', 'data'])
    assert.ok(ignore.split('\n').includes(entry), `.dockerignore: ${entry}`);
});
