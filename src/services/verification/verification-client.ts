/**
 * What other services (and the witness) ask the verification service. In all-in-one mode the
 * verification service implements it; in distributed mode the HTTP client calls its routes.
 * (Filled in with the ledger API.)
 */
import type { ServiceHttpClient } from '../../platform/service-http-client.ts';

// biome-ignore lint/suspicious/noEmptyInterface: grows with the verification service.
export interface VerificationClient {}

export function createVerificationHttpClient(_http: ServiceHttpClient): VerificationClient {
  return {};
}
