/**
 * The Operations overview's three sources (audit admins), each from the service that owns the data:
 * ingestion (event service), the log and its witness (verification service), the SLO summary
 * (operations component, from Prometheus). Refetched every 30 s while the page is open.
 */
import { useQuery } from '@tanstack/react-query';
import { api, type ResponseOf } from '../../api/typed-api.ts';

export type IngestStatus = ResponseOf<'/api/v1/events/ingest-status', 'get'>;
export type LedgerStatus = ResponseOf<'/api/v1/ledger/status', 'get'>;
export type SloSummary = ResponseOf<'/api/v1/ops/slo', 'get'>;
export type SloLine = Extract<SloSummary, { configured: true }>['slos'][number];
export type WitnessRefusal = NonNullable<LedgerStatus['witness']['refusals']>[number];

export const REFRESH_MS = 30_000;

/** Figures that age by the second are refetched on a timer, even when the tab is in the background. */
const live = { refetchInterval: REFRESH_MS, refetchIntervalInBackground: true, staleTime: 0 } as const;

export function useIngestStatus() {
  return useQuery({
    queryKey: ['operations', 'ingest'],
    queryFn: ({ signal }) => api.get('/api/v1/events/ingest-status', { signal }),
    ...live,
  });
}

export function useLedgerStatus() {
  return useQuery({
    queryKey: ['operations', 'ledger'],
    queryFn: ({ signal }) => api.get('/api/v1/ledger/status', { signal }),
    ...live,
  });
}

export function useSloSummary() {
  return useQuery({
    queryKey: ['operations', 'slo'],
    queryFn: ({ signal }) => api.get('/api/v1/ops/slo', { signal }),
    ...live,
  });
}
