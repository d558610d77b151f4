/**
 * Offline validation of rendered Kubernetes manifests: the JSON schemas of `kubernetes-models`
 * (core kinds, Argo Rollouts, Prometheus Operator) plus minimal structural checks for the custom
 * resources those packages do not know (cert-manager, External Secrets, CloudNativePG), and a few
 * rules the schemas leave out (every container has an image, names are DNS labels).
 * A kind without a validator is an error, so nothing slips through unchecked.
 */
import { AnalysisTemplate, Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { Manifest } from './ops.ts';

type Validatable = { validate(): void };
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'batch/v1/CronJob': CronJob as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as ModelClass,
  'argoproj.io/v1alpha1/Rollout': Rollout as unknown as ModelClass,
  'argoproj.io/v1alpha1/AnalysisTemplate': AnalysisTemplate as unknown as ModelClass,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as ModelClass,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as unknown as ModelClass,
};

type Check = (doc: Manifest) => string[];

// biome-ignore lint/suspicious/noExplicitAny: walking free-form YAML
function at(obj: any, path: string): any {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function requireString(doc: Manifest, ...fieldPaths: string[]): string[] {
  return fieldPaths
    .filter((p) => typeof at(doc, p) !== 'string' || at(doc, p) === '')
    .map((p) => `${p} must be a non-empty string`);
}

function requireNonEmptyArray(doc: Manifest, ...fieldPaths: string[]): string[] {
  return fieldPaths
    .filter((p) => !Array.isArray(at(doc, p)) || at(doc, p).length === 0)
    .map((p) => `${p} must be a non-empty list`);
}

const STRUCTURAL: Record<string, Check> = {
  'cert-manager.io/v1/Certificate': (doc) => [
    ...requireString(doc, 'spec.secretName', 'spec.issuerRef.name'),
    ...requireNonEmptyArray(doc, 'spec.dnsNames'),
    ...(['Issuer', 'ClusterIssuer'].includes(at(doc, 'spec.issuerRef.kind'))
      ? []
      : ['spec.issuerRef.kind must be Issuer or ClusterIssuer']),
  ],
  'external-secrets.io/v1/SecretStore': (doc) =>
    at(doc, 'spec.provider') &&
    typeof at(doc, 'spec.provider') === 'object' &&
    Object.keys(at(doc, 'spec.provider')).length === 1
      ? []
      : ['spec.provider must name exactly one provider'],
  'external-secrets.io/v1/ExternalSecret': (doc) => [
    ...requireString(doc, 'spec.secretStoreRef.name', 'spec.target.name'),
    ...(['SecretStore', 'ClusterSecretStore'].includes(at(doc, 'spec.secretStoreRef.kind'))
      ? []
      : ['spec.secretStoreRef.kind must be SecretStore or ClusterSecretStore']),
    ...(Array.isArray(at(doc, 'spec.data')) || Array.isArray(at(doc, 'spec.dataFrom'))
      ? []
      : ['spec.data or spec.dataFrom is required']),
  ],
  'postgresql.cnpg.io/v1/Cluster': (doc) => [
    ...(Number.isInteger(at(doc, 'spec.instances')) && at(doc, 'spec.instances') >= 1
      ? []
      : ['spec.instances must be an integer >= 1']),
    ...requireString(doc, 'spec.storage.size'),
  ],
  'postgresql.cnpg.io/v1/ScheduledBackup': (doc) => [
    ...requireString(doc, 'spec.schedule', 'spec.cluster.name'),
    ...(String(at(doc, 'spec.schedule')).trim().split(/\s+/).length === 6
      ? []
      : ['spec.schedule must have six fields (with seconds)']),
  ],
};

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

interface Container {
  name?: string;
  image?: unknown;
}

/** The pod spec of a workload, if it has one. */
// biome-ignore lint/suspicious/noExplicitAny: free-form YAML
export function podSpecOf(doc: Manifest): any | undefined {
  if (doc.kind === 'CronJob') return at(doc, 'spec.jobTemplate.spec.template.spec');
  if (['Deployment', 'Job', 'Rollout'].includes(doc.kind)) return at(doc, 'spec.template.spec');
  return undefined;
}

/** Every problem found in one manifest; an empty list means valid. */
export function validateManifest(doc: Manifest): string[] {
  const id = `${doc?.kind ?? '?'} ${doc?.metadata?.name ?? '?'}`;
  if (!doc || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string')
    return [`${id}: apiVersion and kind are required`];
  const key = `${doc.apiVersion}/${doc.kind}`;
  const errors: string[] = [];
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || !DNS_NAME.test(name) || name.length > 253)
    errors.push(`metadata.name ${JSON.stringify(name)} is not a DNS name`);

  const Model = MODELS[key];
  const structural = STRUCTURAL[key];
  if (Model) {
    try {
      new Model(doc as never).validate();
    } catch (err) {
      errors.push((err as Error).message);
    }
  } else if (structural) {
    errors.push(...structural(doc));
  } else {
    errors.push(`no validator for ${key}`);
  }

  const podSpec = podSpecOf(doc);
  // A Rollout with workloadRef takes its pod template from the Deployment.
  if (podSpec || ['Deployment', 'Job', 'CronJob'].includes(doc.kind)) {
    const containers: Container[] = [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])];
    if (containers.length === 0) errors.push('the pod has no containers');
    for (const c of containers) {
      if (typeof c.image !== 'string' || c.image.trim() === '')
        errors.push(`container ${c.name ?? '?'} has no image`);
    }
  }
  return errors.map((e) => `${id}: ${e}`);
}
