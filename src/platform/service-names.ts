/** The services of architecture.md §1 and the names they carry in logs, metrics and Prometheus jobs. */
export const SERVICES = ['identity', 'audit', 'file', 'event', 'verification'] as const;
export type ServiceName = (typeof SERVICES)[number];
export type ComponentName = ServiceName | 'witness' | 'gateway';

export const PROCESS_NAMES: Record<ComponentName, string> = {
  identity: 'identity-service',
  audit: 'audit-service',
  file: 'file-service',
  event: 'event-service',
  verification: 'verification-service',
  witness: 'witness',
  gateway: 'gateway',
};

/** PostgreSQL schema owned by each component (the verification service owns the ledger). */
export const SCHEMAS: Record<ServiceName | 'witness', string> = {
  identity: 'identity',
  audit: 'audit',
  file: 'file',
  event: 'event',
  verification: 'ledger',
  witness: 'witness',
};

export function isServiceName(s: string): s is ServiceName {
  return (SERVICES as readonly string[]).includes(s);
}
