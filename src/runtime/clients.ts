/**
 * The client registry: how one service reaches another. In all-in-one mode each client is the other
 * service's in-process implementation; in distributed mode it is the HTTP client for the configured
 * URL. Services receive the registry and resolve a client when they call, so construction order
 * does not matter.
 */
import type { Config } from '../platform/config.ts';
import { createServiceHttpClient } from '../platform/service-http-client.ts';
import type { ServiceClients } from '../platform/service-module.ts';
import type { ServiceName } from '../platform/service-names.ts';
import { type AuditClient, createAuditHttpClient } from '../services/audit/audit-client.ts';
import { createEventHttpClient, type EventClient } from '../services/event/event-client.ts';
import { createFileHttpClient, type FileClient } from '../services/file/file-client.ts';
import { createIdentityHttpClient, type IdentityClient } from '../services/identity/identity-client.ts';
import {
  createVerificationHttpClient,
  type VerificationClient,
} from '../services/verification/verification-client.ts';
import { serviceUrls } from './delivery.ts';
import type { Services } from './services.ts';

function missing(name: ServiceName): never {
  throw new Error(`no ${name} client: set AUDITOR_${name.toUpperCase()}_URL`);
}

export function inProcessClients(services: () => Services): ServiceClients {
  return {
    identity: () => services().identity?.client ?? missing('identity'),
    audit: () => services().audit?.client ?? missing('audit'),
    file: () => services().file?.client ?? missing('file'),
    event: () => services().event?.client ?? missing('event'),
    verification: () => services().verification?.client ?? missing('verification'),
  };
}

export function httpClients(config: Config, secret: string, caller: string): ServiceClients {
  const urls = serviceUrls(config);
  const http = (name: ServiceName) => createServiceHttpClient(urls[name] ?? missing(name), secret, caller);
  let identity: IdentityClient | undefined;
  let audit: AuditClient | undefined;
  let file: FileClient | undefined;
  let event: EventClient | undefined;
  let verification: VerificationClient | undefined;
  return {
    identity: () => (identity ??= createIdentityHttpClient(http('identity'))),
    audit: () => (audit ??= createAuditHttpClient(http('audit'))),
    file: () => (file ??= createFileHttpClient(http('file'))),
    event: () => (event ??= createEventHttpClient(http('event'))),
    verification: () => (verification ??= createVerificationHttpClient(http('verification'))),
  };
}
