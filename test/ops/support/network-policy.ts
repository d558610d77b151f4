/**
 * A small NetworkPolicy evaluator (networking.k8s.io/v1 semantics) to check which connections the
 * rendered policies allow: a connection needs the source's egress and the destination's ingress
 * to allow it; a pod no policy of that direction selects is unrestricted in that direction.
 * Only the policies of our namespace are known; endpoints elsewhere are unrestricted on their side.
 */
import type { Manifest } from './ops.ts';

export interface Endpoint {
  name: string;
  namespace?: string;
  namespaceLabels?: Record<string, string>;
  podLabels?: Record<string, string>;
  ip?: string;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
  ports?: { port?: number | string; protocol?: string }[];
  from?: Peer[];
  to?: Peer[];
}

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const value = l[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(value as string))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(value as string)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`bad IPv4 ${ip}`);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (ipToInt(ip) & mask) === (ipToInt(base as string) & mask);
}

function peerMatches(peer: Peer, policyNamespace: string, target: Endpoint): boolean {
  if (peer.ipBlock) {
    if (!target.ip) return false;
    return (
      inCidr(target.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((c) => inCidr(target.ip as string, c))
    );
  }
  if (!target.podLabels) return false;
  if (peer.namespaceSelector) {
    return (
      selectorMatches(peer.namespaceSelector, target.namespaceLabels) &&
      selectorMatches(peer.podSelector, target.podLabels)
    );
  }
  return target.namespace === policyNamespace && selectorMatches(peer.podSelector, target.podLabels);
}

function portMatches(rule: Rule, port: number, protocol: string): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some(
    (p) => (p.port === undefined || Number(p.port) === port) && (p.protocol ?? 'TCP') === protocol,
  );
}

function directionAllows(
  policies: Manifest[],
  namespace: string,
  subject: Endpoint,
  other: Endpoint,
  direction: 'Ingress' | 'Egress',
  port: number,
  protocol: string,
): boolean {
  if (subject.namespace !== namespace || !subject.podLabels) return true;
  const selecting = policies.filter(
    (p) =>
      (p.spec.policyTypes ?? ['Ingress']).includes(direction) &&
      selectorMatches(p.spec.podSelector, subject.podLabels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) => {
    const rules: Rule[] = (direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? [];
    return rules.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, namespace, other));
      return peerOk && portMatches(rule, port, protocol);
    });
  });
}

/** Whether the policies of `namespace` let `from` open a connection to `to` on port/protocol. */
export function allowed(
  docs: Manifest[],
  namespace: string,
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
): boolean {
  const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
  return (
    directionAllows(policies, namespace, from, to, 'Egress', port, protocol) &&
    directionAllows(policies, namespace, to, from, 'Ingress', port, protocol)
  );
}
