/**
 * The dependency audit's judgement (scripts/audit-dependencies.ts, run by CI): high or critical
 * advisories fail, lower ones are listed and pass, and an audit that could not be done — the endpoint
 * unreachable or refusing, or an answer that is not a report — fails loudly instead of passing.
 * (The audit itself needs the registry's bulk-advisory endpoint, which CI reaches; here it is judged
 * on npm's own output shapes, including the refusal this sandbox's registry proxy gives.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeAudit } from '../../scripts/audit-dependencies.ts';

const report = (vulnerabilities: Record<string, unknown>, counts: Record<string, number>) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: {
      vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts },
      dependencies: { prod: 180, dev: 0, optional: 2, peer: 0, peerOptional: 0, total: 181 },
    },
  });

const advisory = (name: string, severity: string, fixAvailable: unknown = true) => ({
  name,
  severity,
  isDirect: true,
  via: [
    {
      source: 1,
      name,
      title: `${name} is vulnerable`,
      url: `https://github.com/advisories/GHSA-${name}`,
      severity,
    },
  ],
  effects: [],
  range: '<1.2.3',
  nodes: [`node_modules/${name}`],
  fixAvailable,
});

describe('the dependency audit', () => {
  test('a report without advisories is clean', () => {
    const v = judgeAudit(report({}, {}));
    assert.equal(v.kind, 'clean');
  });

  test('moderate and low advisories are listed but do not fail the build', () => {
    const v = judgeAudit(
      report({ a: advisory('a', 'moderate'), b: advisory('b', 'low', false) }, { moderate: 1, low: 1 }),
    );
    assert.equal(v.kind, 'clean');
    assert.equal(v.kind === 'clean' && v.findings.length, 2);
  });

  test('a high or a critical advisory fails, with the package, the advisory and the fix', () => {
    for (const severity of ['high', 'critical']) {
      const v = judgeAudit(
        report(
          {
            fastify: advisory('fastify', severity, {
              name: 'fastify',
              version: '5.99.0',
              isSemVerMajor: false,
            }),
          },
          { [severity]: 1 },
        ),
      );
      assert.equal(v.kind, 'vulnerable', severity);
      if (v.kind !== 'vulnerable') continue;
      assert.equal(v.findings[0]?.name, 'fastify');
      assert.match(v.findings[0]!.via[0]!, /GHSA-fastify/);
      assert.equal(v.findings[0]?.fix, 'upgrade fastify to 5.99.0');
    }
  });

  test('an audit endpoint that refuses (as npm reports it) is a failure to audit, not a pass', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      method: 'POST',
      uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      body: '',
      error: { summary: '', detail: '' },
    });
    const v = judgeAudit(refused);
    assert.equal(v.kind, 'unavailable');
    assert.match(v.kind === 'unavailable' ? v.reason : '', /HTTP 405/);
  });

  test('no output, or output that is not a report, is a failure to audit', () => {
    for (const out of [
      '',
      'npm ERR! network request failed',
      '{"auditReportVersion":2}',
      '{"error":"ENOTFOUND"}',
    ])
      assert.equal(judgeAudit(out, 'getaddrinfo ENOTFOUND registry.npmjs.org').kind, 'unavailable', out);
  });
});
