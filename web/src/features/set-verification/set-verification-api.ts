/**
 * Set verification (product.md F6.5): start a run, a set's runs (newest first), one run (progress,
 * counts, the TAMPERED files) and its per-file results, paged and filtered by outcome. Live
 * progress comes from `run-progress.ts`, which writes into the run's query.
 */
import {
  keepPreviousData,
  type QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { VerificationResult } from '../../api/api-types.ts';
import { api, type ResponseOf } from '../../api/typed-api.ts';

export type SetRun = ResponseOf<'/api/v1/audit-sets/{id}/verifications/{verificationId}', 'get'>;
export type SetRunSummary = ResponseOf<'/api/v1/audit-sets/{id}/verifications', 'get'>['items'][number];
export type RunFile = ResponseOf<
  '/api/v1/audit-sets/{id}/verifications/{verificationId}/files',
  'get'
>['items'][number];

/** Every outcome, in the order the screens list them (the worst first). */
export const OUTCOMES: readonly VerificationResult[] = [
  'TAMPERED',
  'DELETED',
  'CHANGED',
  'INTACT',
  'PENDING',
  'UNVERIFIABLE',
  'NOT_MONITORED',
];

export const RUNS_PAGE_SIZE = 10;
export const RUN_FILES_PAGE_SIZE = 50;

export const runKey = (setId: string, runId: string) => ['set-verification', setId, runId] as const;
const runsKey = (setId: string) => ['set-verifications', setId] as const;

export function useSetRuns(setId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...runsKey(setId), cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/audit-sets/{id}/verifications', {
        params: { id: setId },
        query: { cursor, limit: RUNS_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

/**
 * One run. `poll` turns on polling every second while it runs: the fallback when the event stream
 * cannot be used (see `run-progress.ts`).
 */
export function useSetRun(setId: string, runId: string, poll: boolean) {
  return useQuery({
    queryKey: runKey(setId, runId),
    queryFn: ({ signal }) =>
      api.get('/api/v1/audit-sets/{id}/verifications/{verificationId}', {
        params: { id: setId, verificationId: runId },
        signal,
      }),
    refetchInterval: (query) => (poll && query.state.data?.status === 'RUNNING' ? 1000 : false),
  });
}

/** The per-file results of a finished run, in the order they finished; forward-only cursors. */
export function useRunFiles(
  setId: string,
  runId: string,
  result: VerificationResult | undefined,
  cursor: string | undefined,
) {
  return useQuery({
    queryKey: [...runKey(setId, runId), 'files', result, cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/audit-sets/{id}/verifications/{verificationId}/files', {
        params: { id: setId, verificationId: runId },
        query: { result, cursor, limit: RUN_FILES_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useStartSetVerification(setId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/api/v1/audit-sets/{id}/verifications', { params: { id: setId } }),
    onSuccess: (run) => {
      queryClient.setQueryData(runKey(setId, run.id), run);
      void queryClient.invalidateQueries({ queryKey: runsKey(setId) });
    },
  });
}

/** A run has ended: its list entry and the set's items (their last verification) change. */
export function refreshAfterRun(queryClient: QueryClient, setId: string) {
  void queryClient.invalidateQueries({ queryKey: runsKey(setId) });
  void queryClient.invalidateQueries({ queryKey: ['audit-set', setId] });
}

/** The progress path: `text/event-stream` of `progress`, `file` and `done` events. */
export function progressPath(setId: string, runId: string): string {
  return `/api/v1/audit-sets/${encodeURIComponent(setId)}/verifications/${encodeURIComponent(runId)}/progress`;
}
