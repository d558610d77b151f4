/**
 * deploy/kubernetes: both overlays render with `kubectl kustomize`, every object validates offline,
 * and the workloads, autoscaling, disruption budgets, network policies, jobs, rollouts, database
 * and secrets follow the operations plan (§2, §5, §6, §8, §9) and operations.md §5.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { podSpecOf, validateManifest } from './support/k8s-validate.ts';
import { allowed, type Endpoint, selectorMatches } from './support/network-policy.ts';
import {
  byKind,
  find,
  kustomize,
  type Manifest,
  parseManifests,
  paths,
  readText,
  repoRoot,
  run,
} from './support/ops.ts';
import { loadRuleGroups, prometheusRulePath, renderPrometheusRule } from './support/prometheus-rule.ts';

const DEV = join(paths.kubernetes, 'overlays/dev');
const PRODUCTION = join(paths.kubernetes, 'overlays/production');
const OVERLAYS = [
  { name: 'dev', dir: DEV, namespace: 'dev' },
  { name: 'production', dir: PRODUCTION, namespace: 'production' },
];

/** Process name -> the `auditor serve` argument. */
const PROCESSES: Record<string, string> = {
  gateway: 'gateway',
  'identity-service': 'identity',
  'audit-service': 'audit',
  'file-service': 'file',
  'event-service': 'event',
  'verification-service': 'verification',
  witness: 'witness',
};
/** Scaled by an HPA and protected by a PDB with room for a drain; the witness is a singleton. */
const SCALED = Object.keys(PROCESSES).filter((n) => n !== 'witness');

const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ENCRYPTION_KEY|DATABASE_URL)/;

function envOf(container: { env?: { name: string; value?: string }[] }): Map<string, string | undefined> {
  return new Map((container.env ?? []).map((e) => [e.name, e.value]));
}

function durationSeconds(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  assert.ok(m, `duration ${text}`);
  const n = Number(m[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

// ------------------------------------------------------------------------------ rendering + schema

for (const overlay of OVERLAYS) {
  test(`kubectl kustomize renders the ${overlay.name} overlay into the ${overlay.namespace} namespace`, () => {
    const docs = kustomize(overlay.dir);
    assert.ok(docs.length > 40, `only ${docs.length} objects`);
    for (const d of docs) {
      if (d.kind === 'Namespace') assert.equal(d.metadata.name, overlay.namespace);
      else assert.equal(d.metadata.namespace, overlay.namespace, `${d.kind} ${d.metadata.name}`);
    }
  });

  test(`every object of the ${overlay.name} overlay passes offline validation`, () => {
    const errors = kustomize(overlay.dir).flatMap(validateManifest);
    assert.deepEqual(errors, []);
  });
}

test('the validator rejects broken manifests', () => {
  const deployment = (spec: Record<string, unknown>): Manifest =>
    ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken' }, spec }) as Manifest;
  const template = {
    metadata: { labels: { app: 'x' } },
    spec: { containers: [{ name: 'x', image: 'x:1' }] },
  };
  const good = deployment({ selector: { matchLabels: { app: 'x' } }, template });
  assert.deepEqual(validateManifest(good), [], 'the valid baseline must pass');

  const cases: [string, Manifest][] = [
    [
      'replicas as a word',
      deployment({ replicas: 'three', selector: { matchLabels: { app: 'x' } }, template }),
    ],
    [
      'a container without image',
      deployment({
        selector: { matchLabels: { app: 'x' } },
        template: { ...template, spec: { containers: [{ name: 'x' }] } },
      }),
    ],
    ['no selector', deployment({ template })],
    ['an invalid name', { ...good, metadata: { name: 'Not_A_Name' } }],
    [
      'a Rollout with a non-numeric weight',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'x' },
        spec: { strategy: { canary: { steps: [{ setWeight: 'ten' }] } } },
      } as Manifest,
    ],
    [
      'a PrometheusRule with a bad duration',
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'x' },
        spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: 'soon' }] }] },
      } as Manifest,
    ],
    [
      'a Certificate without issuer',
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'x' },
        spec: { secretName: 's', dnsNames: ['a'] },
      } as Manifest,
    ],
    [
      'a CloudNativePG Cluster without storage',
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'x' },
        spec: { instances: 3 },
      } as Manifest,
    ],
    [
      'a kind nobody validates',
      { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'x' } } as Manifest,
    ],
  ];
  for (const [what, doc] of cases)
    assert.notDeepEqual(validateManifest(doc), [], `${what} must fail validation`);
});

test('a broken manifest in an overlay makes the rendered output fail validation', () => {
  // The same path as the overlays: render with kubectl, then validate.
  const docs = parseManifests(
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: broken}',
      'spec:',
      '  replicas: three',
      '  selector: {matchLabels: {app: broken}}',
      '  template:',
      '    metadata: {labels: {app: broken}}',
      '    spec: {containers: [{name: broken}]}',
    ].join('\n'),
  );
  const errors = docs.flatMap(validateManifest);
  assert.ok(
    errors.some((e) => e.includes('replicas')),
    errors.join('\n'),
  );
  assert.ok(
    errors.some((e) => e.includes('no image')),
    errors.join('\n'),
  );
});

// ------------------------------------------------------------------------------ workloads

for (const overlay of OVERLAYS) {
  test(`${overlay.name}: one Deployment and Service per process, each running one image with its serve command`, () => {
    const docs = kustomize(overlay.dir);
    assert.deepEqual(
      byKind(docs, 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
      Object.keys(PROCESSES).sort(),
    );
    for (const [name, service] of Object.entries(PROCESSES)) {
      const d = find(docs, 'Deployment', name);
      const [c, ...others] = d.spec.template.spec.containers;
      assert.equal(others.length, 0);
      assert.match(c.image, /(^|\/)auditor-for-box:[\w.-]+$/, `${name}: image`);
      assert.deepEqual(
        [...c.command, ...c.args],
        ['node', 'dist/src/cli/main.js', 'serve', service, '--port', '8080'],
        name,
      );
      const svc = find(docs, 'Service', name);
      assert.ok(
        selectorMatches({ matchLabels: svc.spec.selector }, d.spec.template.metadata.labels),
        `${name}: Service selects the pods`,
      );
      assert.equal(svc.spec.ports[0].name, 'http');
      assert.equal(svc.spec.ports[0].port, 8080);
    }
  });

  test(`${overlay.name}: every Deployment has both probes, resources, graceful shutdown and a locked-down securityContext`, () => {
    for (const d of byKind(kustomize(overlay.dir), 'Deployment')) {
      const name = d.metadata.name;
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      assert.equal(c.livenessProbe?.httpGet?.path, '/health/live', `${name}: liveness`);
      assert.equal(c.readinessProbe?.httpGet?.path, '/health/ready', `${name}: readiness`);
      assert.equal(c.livenessProbe.httpGet.port, 'http');
      assert.ok(
        c.ports.some(
          (p: { name: string; containerPort: number }) => p.name === 'http' && p.containerPort === 8080,
        ),
      );
      for (const kind of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory'])
          assert.ok(c.resources?.[kind]?.[r], `${name}: resources.${kind}.${r}`);
      }
      assert.equal(pod.securityContext?.runAsNonRoot, true, `${name}: runAsNonRoot`);
      assert.ok(pod.securityContext.runAsUser > 0, `${name}: non-zero uid`);
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${name}: read-only root`);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(c.securityContext.capabilities?.drop, ['ALL']);
      assert.equal(pod.automountServiceAccountToken, false);

      const env = envOf(c);
      assert.equal(env.get('AUDITOR_AUTO_MIGRATE'), 'false', `${name}: migrations belong to the Job`);
      const grace = pod.terminationGracePeriodSeconds;
      const shutdownMs = Number(env.get('AUDITOR_SHUTDOWN_GRACE_MS'));
      const preStopSeconds = Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      assert.equal(grace, 30, `${name}: terminationGracePeriodSeconds`);
      assert.ok(
        shutdownMs > 0 && preStopSeconds * 1000 + shutdownMs < grace * 1000,
        `${name}: shutdown fits the grace period`,
      );
    }
  });

  test(`${overlay.name}: no secret is written into a manifest`, () => {
    const docs = kustomize(overlay.dir);
    assert.deepEqual(
      byKind(docs, 'Secret'),
      [],
      'Secrets come from ExternalSecrets or are created out of band',
    );
    for (const cm of byKind(docs, 'ConfigMap')) {
      for (const key of Object.keys(cm.data ?? {}))
        assert.doesNotMatch(key, SECRET_NAME, `ConfigMap ${cm.metadata.name}: ${key}`);
    }
    for (const d of docs) {
      const pod = podSpecOf(d);
      for (const c of pod?.containers ?? []) {
        for (const e of c.env ?? []) {
          // A *_FILE variable names where a mounted Secret lies; the path is not the secret.
          if (SECRET_NAME.test(e.name) && !e.name.endsWith('_FILE'))
            assert.equal(e.value, undefined, `${d.kind} ${d.metadata.name}: ${e.name} has a literal value`);
        }
      }
    }
  });
}

test('production runs the services on the general pool and spreads replicas over nodes and zones', () => {
  for (const d of byKind(kustomize(PRODUCTION), 'Deployment')) {
    const pod = d.spec.template.spec;
    assert.deepEqual(pod.nodeSelector, { pool: 'general' }, d.metadata.name);
    assert.ok(pod.affinity?.podAntiAffinity, d.metadata.name);
    assert.equal(pod.topologySpreadConstraints?.[0]?.topologyKey, 'topology.kubernetes.io/zone');
  }
  for (const d of byKind(kustomize(DEV), 'Deployment'))
    assert.equal(d.spec.template.spec.nodeSelector, undefined);
});

// ------------------------------------------------------------------------------ scaling and disruption

for (const overlay of OVERLAYS) {
  test(`${overlay.name}: each scaled service has an HPA on CPU 70 % and memory 80 %, and every process a PDB`, () => {
    const docs = kustomize(overlay.dir);
    const workloadKind = overlay.name === 'production' ? 'Rollout' : 'Deployment';
    for (const name of SCALED) {
      const hpas = byKind(docs, 'HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.name === name);
      assert.equal(hpas.length, 1, `${name}: one HPA`);
      const hpa = hpas[0] as Manifest;
      assert.equal(hpa.spec.scaleTargetRef.kind, workloadKind, `${name}: the HPA scales the ${workloadKind}`);
      find(docs, workloadKind, name);
      const targets = Object.fromEntries(
        hpa.spec.metrics.map((m: { resource: { name: string; target: { averageUtilization: number } } }) => [
          m.resource.name,
          m.resource.target.averageUtilization,
        ]),
      );
      assert.deepEqual(targets, { cpu: 70, memory: 80 }, `${name}: plan §8.2 targets`);
      if (overlay.name === 'production') {
        assert.equal(hpa.spec.minReplicas, 3, `${name}: plan §8.2 minimum`);
        assert.equal(hpa.spec.maxReplicas, 10, `${name}: plan §8.2 maximum`);
      } else {
        assert.ok(hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas >= hpa.spec.minReplicas);
      }
    }
    assert.equal(
      byKind(docs, 'HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === 'witness'),
      false,
      'the witness is a singleton',
    );
    for (const name of Object.keys(PROCESSES)) {
      const labels = find(docs, 'Deployment', name).spec.template.metadata.labels;
      const pdbs = byKind(docs, 'PodDisruptionBudget').filter((p) =>
        selectorMatches(p.spec.selector, labels),
      );
      assert.equal(pdbs.length, 1, `${name}: one PDB`);
      // maxUnavailable 1: a drain evicts one pod at a time and never blocks on a single replica.
      assert.equal(pdbs[0]?.spec.maxUnavailable, 1, `${name}: PDB`);
    }
  });
}

// ------------------------------------------------------------------------------ monitoring objects

test('the PrometheusRule in Kubernetes carries exactly the rules of deploy/prometheus/rules', () => {
  assert.equal(
    readFileSync(prometheusRulePath, 'utf8'),
    renderPrometheusRule(),
    'deploy/prometheus/prometheusrule.yaml is stale: node --import tsx test/ops/support/prometheus-rule.ts --write',
  );
  for (const overlay of OVERLAYS) {
    const rules = byKind(kustomize(overlay.dir), 'PrometheusRule');
    assert.equal(rules.length, 1);
    assert.deepEqual(rules[0]?.spec.groups, loadRuleGroups(), `${overlay.name}: rendered PrometheusRule`);
  }
});

test('the ServiceMonitor scrapes every Service of ours on its http port with our service labels', () => {
  const docs = kustomize(PRODUCTION);
  const [sm, ...more] = byKind(docs, 'ServiceMonitor');
  assert.ok(sm);
  assert.equal(more.length, 0);
  for (const name of Object.keys(PROCESSES)) {
    const svc = find(docs, 'Service', name);
    assert.ok(selectorMatches(sm.spec.selector, svc.metadata.labels), `${name} is not scraped`);
    assert.equal(svc.metadata.labels?.['app.kubernetes.io/name'], name, `${name}: job label source`);
  }
  assert.equal(sm.spec.jobLabel, 'app.kubernetes.io/name');
  const [endpoint] = sm.spec.endpoints;
  assert.equal(endpoint.port, 'http');
  assert.equal(endpoint.path, '/metrics');
  assert.equal(endpoint.honorLabels, true);
  assert.ok(
    endpoint.relabelings.some(
      (r: { sourceLabels: string[]; targetLabel: string }) =>
        r.sourceLabels.includes('__meta_kubernetes_pod_label_rollouts_pod_template_hash') &&
        r.targetLabel === 'rollouts_pod_template_hash',
    ),
    'the canary analysis needs the rollouts hash label',
  );
});

// ------------------------------------------------------------------------------ jobs

for (const overlay of OVERLAYS) {
  test(`${overlay.name}: migrations run as a Job before the rollout, never inside the services`, () => {
    const job = find(kustomize(overlay.dir), 'Job', 'auditor-migrate');
    const c = job.spec.template.spec.containers[0];
    assert.deepEqual([...c.command, ...c.args], ['node', 'dist/src/cli/main.js', 'migrate', 'up']);
    assert.equal(job.metadata.annotations?.['argocd.argoproj.io/hook'], 'PreSync');
    assert.equal(job.metadata.labels?.['auditor-for-box.io/deploy-phase'], 'migrate');
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  });

  test(`${overlay.name}: CronJobs run the weekly vacuum, the daily analyze and the daily verified backup`, () => {
    const docs = kustomize(overlay.dir);
    const command = (name: string) => {
      const c = find(docs, 'CronJob', name).spec.jobTemplate.spec.template.spec.containers[0];
      return [...c.command, ...c.args].join(' ');
    };
    const schedule = (name: string) => find(docs, 'CronJob', name).spec.schedule.split(/\s+/);
    assert.equal(command('auditor-db-vacuum'), 'node dist/src/cli/main.js db maintain --vacuum');
    assert.equal(command('auditor-db-analyze'), 'node dist/src/cli/main.js db maintain --analyze');
    assert.equal(command('auditor-backup'), '/bin/sh -c auditor backup create && auditor backup verify');
    const [, , vDom, vMonth, vDow] = schedule('auditor-db-vacuum');
    assert.ok(vDom === '*' && vMonth === '*' && /^[0-6]$/.test(vDow as string), 'vacuum: weekly');
    for (const daily of ['auditor-db-analyze', 'auditor-backup']) {
      const [min, hour, dom, month, dow] = schedule(daily);
      assert.ok(/^\d+$/.test(min as string) && /^\d+$/.test(hour as string), `${daily}: a fixed time`);
      assert.deepEqual([dom, month, dow], ['*', '*', '*'], `${daily}: daily`);
    }
    for (const cj of byKind(docs, 'CronJob')) {
      assert.equal(cj.spec.concurrencyPolicy, 'Forbid', cj.metadata.name);
      assert.equal(cj.spec.timeZone, 'Asia/Tokyo', cj.metadata.name);
    }
    assert.ok(
      !byKind(docs, 'CronJob').some((cj) => JSON.stringify(cj).includes('reindex')),
      'the monthly reindex stays manual',
    );
  });
}

// ------------------------------------------------------------------------------ rollouts

test('production rolls out by canary: 10 %, 10 minutes of analysis on error rate and P99, then 100 %', () => {
  const docs = kustomize(PRODUCTION);
  const template = find(docs, 'AnalysisTemplate', 'auditor-canary');
  const metrics = Object.fromEntries(
    template.spec.metrics.map((m: { name: string; successCondition: string }) => [
      m.name,
      m.successCondition,
    ]),
  );
  assert.match(metrics['error-rate'] ?? '', /result\[0\] < 0\.01$/);
  assert.match(metrics['p99-latency'] ?? '', /result\[0\] < 0\.5$/);
  assert.deepEqual(
    byKind(docs, 'Rollout')
      .map((r) => r.metadata.name)
      .sort(),
    [...SCALED].sort(),
  );
  for (const r of byKind(docs, 'Rollout')) {
    const name = r.metadata.name;
    assert.deepEqual(r.spec.workloadRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name,
      scaleDown: 'onsuccess',
    });
    const canary = r.spec.strategy.canary;
    assert.deepEqual(
      canary.steps,
      [{ setWeight: 10 }, { pause: { duration: '10m' } }, { setWeight: 100 }],
      name,
    );
    assert.equal(canary.analysis.templates[0].templateName, 'auditor-canary');
    assert.equal(canary.analysis.startingStep, 1, `${name}: analysis runs through the pause`);
    const args = Object.fromEntries(canary.analysis.args.map((a: { name: string }) => [a.name, a]));
    assert.equal(args.service.value, name);
    assert.deepEqual(args['canary-hash'].valueFrom, { podTemplateHashValue: 'Latest' });
    assert.ok(selectorMatches(r.spec.selector, find(docs, 'Deployment', name).spec.template.metadata.labels));
  }
  const pause = durationSeconds('10m');
  assert.equal(pause, 600);
});

test('the blue-green component renders valid Rollouts with preview Services', () => {
  // Kustomize refuses absolute paths, so build a throwaway overlay beside copies of the real ones.
  const dir = mkdtempSync(join(tmpdir(), 'auditor-bluegreen-'));
  try {
    cpSync(join(repoRoot, 'deploy'), join(dir, 'deploy'), { recursive: true });
    const overlay = join(dir, 'deploy/kubernetes/overlays/blue-green-check');
    cpSync(join(dir, 'deploy/kubernetes/overlays/production'), overlay, { recursive: true });
    const k = readText(join(overlay, 'kustomization.yaml')).replace(
      '../../components/canary',
      '../../components/blue-green',
    );
    writeFileSync(join(overlay, 'kustomization.yaml'), k);
    const res = run('kubectl', ['kustomize', overlay]);
    assert.equal(res.status, 0, res.stderr);
    const docs = parseManifests(res.stdout);
    assert.deepEqual(docs.flatMap(validateManifest), []);
    for (const name of SCALED) {
      const bg = find(docs, 'Rollout', name).spec.strategy.blueGreen;
      assert.equal(bg.activeService, name);
      assert.equal(bg.autoPromotionEnabled, false);
      assert.equal(bg.prePromotionAnalysis.templates[0].templateName, 'auditor-canary');
      const preview = find(docs, 'Service', bg.previewService);
      const [sm] = byKind(docs, 'ServiceMonitor');
      assert.ok(
        !selectorMatches(sm?.spec.selector, preview.metadata.labels),
        `${bg.previewService} would be scraped twice`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------------------ database and secrets

test('production runs PostgreSQL with CloudNativePG on the tainted database pool, archiving WAL to object storage', () => {
  const docs = kustomize(PRODUCTION);
  const cluster = find(docs, 'Cluster', 'auditor-db');
  assert.ok(cluster.spec.instances >= 3);
  assert.deepEqual(cluster.spec.affinity.tolerations, [
    { key: 'workload', operator: 'Equal', value: 'scalardb', effect: 'NoSchedule' },
  ]);
  assert.deepEqual(
    cluster.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
      .matchExpressions,
    [{ key: 'pool', operator: 'In', values: ['scalardb'] }],
  );
  const store = cluster.spec.backup.barmanObjectStore;
  assert.match(store.destinationPath, /^s3:\/\//);
  assert.ok(store.wal, 'WAL archiving');
  assert.ok(
    durationSeconds(cluster.spec.postgresql.parameters.archive_timeout) <= 60,
    'RPO 5 min: archive_timeout <= 60 s',
  );
  assert.ok(
    !docs.some((d) => d.metadata.name === 'database-node-pool'),
    'the node-pool settings are local config only',
  );
  find(docs, 'ScheduledBackup', 'auditor-db-daily');
});

test('production takes every secret it mounts from Vault through an ExternalSecret', () => {
  const docs = kustomize(PRODUCTION);
  const provided = new Set(byKind(docs, 'ExternalSecret').map((e) => e.spec.target.name));
  const needed = new Set<string>();
  for (const d of docs) {
    for (const c of podSpecOf(d)?.containers ?? []) {
      for (const ef of c.envFrom ?? []) if (ef.secretRef) needed.add(ef.secretRef.name);
    }
  }
  const cluster = find(docs, 'Cluster', 'auditor-db');
  needed.add(cluster.spec.bootstrap.initdb.secret.name);
  for (const role of cluster.spec.managed.roles) needed.add(role.passwordSecret.name);
  needed.add(cluster.spec.backup.barmanObjectStore.s3Credentials.accessKeyId.name);
  assert.ok(needed.size >= 15);
  for (const name of needed) assert.ok(provided.has(name), `${name} has no ExternalSecret`);
  const stores = byKind(docs, 'SecretStore');
  assert.ok(
    stores.some((s) => s.spec.provider.vault),
    'Vault SecretStore',
  );
});

test('dev creates every secret it mounts with create-dev-secrets.sh, from the environment', () => {
  const script = readText(join(DEV, 'create-dev-secrets.sh'));
  const created = new Set<string>();
  for (const m of script.matchAll(/^create ([\w-]+)/gm)) created.add(m[1] as string);
  for (const m of script.matchAll(/for name in ([\w\s-]+); do\n\s+create "\$name-secrets"/g)) {
    for (const n of (m[1] as string).trim().split(/\s+/)) created.add(`${n}-secrets`);
  }
  for (const d of kustomize(DEV)) {
    for (const c of podSpecOf(d)?.containers ?? []) {
      for (const ef of c.envFrom ?? [])
        if (ef.secretRef) assert.ok(created.has(ef.secretRef.name), `${ef.secretRef.name} is not created`);
    }
  }
  assert.equal(run('bash', ['-n', join(DEV, 'create-dev-secrets.sh')]).status, 0);
});

// ------------------------------------------------------------------------------ ingress and TLS

for (const overlay of OVERLAYS) {
  test(`${overlay.name}: the Ingress reaches only the gateway, over TLS from a cert-manager Certificate`, () => {
    const docs = kustomize(overlay.dir);
    const [ingress, ...others] = byKind(docs, 'Ingress');
    assert.ok(ingress);
    assert.equal(others.length, 0);
    const backends = ingress.spec.rules.flatMap(
      (r: { http: { paths: { backend: { service: { name: string } } }[] } }) =>
        r.http.paths.map((p) => p.backend.service.name),
    );
    assert.deepEqual([...new Set(backends)], ['gateway']);
    const cert = find(docs, 'Certificate', 'auditor-tls');
    assert.equal(ingress.spec.tls[0].secretName, cert.spec.secretName);
    assert.deepEqual(ingress.spec.tls[0].hosts, cert.spec.dnsNames);
    assert.deepEqual(
      ingress.spec.rules.map((r: { host: string }) => r.host),
      cert.spec.dnsNames,
    );
    assert.equal(cert.spec.issuerRef.kind, 'ClusterIssuer');
    assert.ok(
      durationSeconds(cert.spec.renewBefore) >= 14 * 24 * 3600,
      'renews before CertificateExpiringSoon fires',
    );
  });
}

// ------------------------------------------------------------------------------ deploy order

test('the deploy script finds the prerequisites and the migration Job by their deploy-phase labels', () => {
  const docs = kustomize(PRODUCTION);
  const phase = (d: Manifest) => d.metadata.labels?.['auditor-for-box.io/deploy-phase'];
  for (const kind of [
    'Namespace',
    'ConfigMap',
    'ServiceAccount',
    'NetworkPolicy',
    'SecretStore',
    'ExternalSecret',
    'Cluster',
  ]) {
    for (const d of byKind(docs, kind)) assert.equal(phase(d), 'prepare', `${kind} ${d.metadata.name}`);
  }
  assert.deepEqual(
    docs.filter((d) => phase(d) === 'migrate').map((d) => `${d.kind}/${d.metadata.name}`),
    ['Job/auditor-migrate'],
  );
  const script = readText(join(repoRoot, 'deploy/scripts/deploy.sh'));
  assert.ok(script.includes('-l auditor-for-box.io/deploy-phase=prepare'));
  assert.ok(script.includes('-l auditor-for-box.io/deploy-phase=migrate'));
  assert.ok(
    script.indexOf('deploy-phase=migrate') < script.indexOf('kubectl apply -f "$rendered"\n'),
    'migrate before the rest',
  );
  for (const ns of byKind(docs, 'Namespace'))
    assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
});

// ------------------------------------------------------------------------------ network policies

function podEndpoint(docs: Manifest[], namespace: string, kind: string, name: string): Endpoint {
  const d = find(docs, kind, name);
  const labels =
    kind === 'CronJob' ? d.spec.jobTemplate.spec.template.metadata.labels : d.spec.template.metadata.labels;
  return {
    name,
    namespace,
    namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
    podLabels: labels,
  };
}

function external(name: string, namespace: string, podLabels: Record<string, string>): Endpoint {
  return { name, namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, podLabels };
}

for (const overlay of OVERLAYS) {
  test(`${overlay.name}: network policies allow the architecture's flows and deny the rest`, () => {
    const docs = kustomize(overlay.dir);
    const ns = overlay.namespace;
    const pod = (name: string) => podEndpoint(docs, ns, 'Deployment', name);
    const ingressController = external('ingress-nginx', 'ingress-nginx', {
      'app.kubernetes.io/name': 'ingress-nginx',
    });
    const prometheus = external('prometheus', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    const dns = external('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' });
    const otel = external('otel-collector', 'monitoring', {
      'app.kubernetes.io/name': 'opentelemetry-collector',
    });
    const pushgateway = external('pushgateway', 'monitoring', {
      'app.kubernetes.io/name': 'prometheus-pushgateway',
    });
    const stranger = external('someone', 'default', { app: 'curl' });
    const database = external('auditor-db-1', ns, { 'cnpg.io/cluster': 'auditor-db' });
    const managedDb: Endpoint = {
      name: 'managed PostgreSQL',
      ip: overlay.name === 'production' ? '10.20.3.4' : '10.1.2.3',
    };
    const box: Endpoint = { name: 'api.box.com', ip: '74.112.186.157' };
    const privateHttps: Endpoint = { name: 'a private 443', ip: '10.9.9.9' };
    const jobs = [
      podEndpoint(docs, ns, 'Job', 'auditor-migrate'),
      podEndpoint(docs, ns, 'CronJob', 'auditor-backup'),
      podEndpoint(docs, ns, 'CronJob', 'auditor-db-vacuum'),
    ];
    const all = Object.keys(PROCESSES).map(pod);

    const must: [Endpoint, Endpoint, number, string?][] = [
      [ingressController, pod('gateway'), 8080],
      ...SCALED.filter((s) => s !== 'gateway').map((s): [Endpoint, Endpoint, number] => [
        pod('gateway'),
        pod(s),
        8080,
      ]),
      [pod('identity-service'), pod('audit-service'), 8080],
      [pod('event-service'), pod('verification-service'), 8080],
      [pod('file-service'), pod('event-service'), 8080],
      [pod('witness'), pod('verification-service'), 8080],
      ...all.map((p): [Endpoint, Endpoint, number] => [prometheus, p, 8080]),
      ...[...all, ...jobs].flatMap((p): [Endpoint, Endpoint, number, string?][] => [
        // The in-cluster database exists where the cloudnative-pg component is used.
        ...(byKind(docs, 'Cluster').length > 0 ? [[p, database, 5432] as [Endpoint, Endpoint, number]] : []),
        [p, managedDb, 5432],
        [p, dns, 53, 'UDP'],
        [p, otel, 4318],
      ]),
      ...['identity-service', 'file-service', 'event-service', 'verification-service'].map(
        (s): [Endpoint, Endpoint, number] => [pod(s), box, 443],
      ),
      [pod('identity-service'), { name: 'smtp', ip: '52.1.1.1' }, 587],
      [podEndpoint(docs, ns, 'CronJob', 'auditor-backup'), { name: 's3', ip: '52.219.0.10' }, 443],
      [podEndpoint(docs, ns, 'CronJob', 'auditor-backup'), pushgateway, 9091],
    ];
    const mustNot: [Endpoint, Endpoint, number][] = [
      [ingressController, pod('identity-service'), 8080],
      [ingressController, pod('witness'), 8080],
      [stranger, pod('gateway'), 8080],
      [stranger, pod('audit-service'), 8080],
      [pod('witness'), pod('identity-service'), 8080],
      [pod('file-service'), pod('witness'), 8080],
      [pod('audit-service'), pod('gateway'), 8080],
      [pod('gateway'), box, 443],
      [pod('witness'), box, 443],
      [pod('audit-service'), box, 443],
      [pod('event-service'), privateHttps, 443],
      [pod('event-service'), { name: 'smtp', ip: '52.1.1.1' }, 587],
      [podEndpoint(docs, ns, 'Job', 'auditor-migrate'), box, 443],
      [pod('gateway'), database, 22],
      [pod('gateway'), { name: 'database elsewhere', ip: '192.168.1.1' }, 5432],
    ];
    const wrong = [
      ...must
        .filter(([a, b, port, proto]) => !allowed(docs, ns, a, b, port, proto))
        .map(([a, b, p]) => `denied: ${a.name} -> ${b.name}:${p}`),
      ...mustNot
        .filter(([a, b, port]) => allowed(docs, ns, a, b, port))
        .map(([a, b, p]) => `allowed: ${a.name} -> ${b.name}:${p}`),
    ];
    assert.deepEqual(wrong, []);
  });
}

test('the network policy evaluator denies what no policy allows', () => {
  // Guard for the test above: with only default-deny, nothing passes.
  const docs = byKind(kustomize(DEV), 'NetworkPolicy').filter((p) => p.metadata.name === 'default-deny-all');
  const a: Endpoint = { name: 'a', namespace: 'dev', podLabels: { app: 'gateway' } };
  const b: Endpoint = { name: 'b', namespace: 'dev', podLabels: { app: 'identity-service' } };
  assert.equal(allowed(docs, 'dev', a, b, 8080), false);
  assert.equal(allowed([], 'dev', a, b, 8080), true);
});
