/**
 * A set verification kept up to date while it runs. The server's event stream (`…/progress`) is
 * read with EventSource: it is same-origin, so the browser sends the httpOnly session cookie with it
 * (no token in scripts), and a GET needs no CSRF header. `progress` events update the run's query,
 * `done` replaces it with the final run. If the stream cannot be used (no EventSource, a refused or
 * dropped connection), the run is polled every second instead (`GET …/{verificationId}`), which
 * also surfaces the API's error through the query.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ensureFreshSession } from '../../api/api-client.ts';
import { progressPath, refreshAfterRun, runKey, type SetRun, useSetRun } from './set-verification-api.ts';

type Progress = Pick<SetRun, 'id' | 'status' | 'total' | 'done' | 'counts'>;

export function useLiveRun(setId: string, runId: string) {
  const queryClient = useQueryClient();
  const [polling, setPolling] = useState(() => typeof EventSource === 'undefined');
  const run = useSetRun(setId, runId, polling);
  const running = run.data?.status === 'RUNNING';

  useEffect(() => {
    if (!running || polling) return;
    const key = runKey(setId, runId);
    let source: EventSource | null = null;
    let stopped = false;
    // The browser requests the stream itself: renew an access token about to expire first.
    void ensureFreshSession().finally(() => {
      if (stopped) return;
      source = new EventSource(progressPath(setId, runId));
      source.addEventListener('progress', (event) => {
        // Counts only: the run ends with `done`, which carries the TAMPERED files too (a final
        // `progress` already says DONE; taking that status would end the stream without them).
        const { status: _status, ...progress } = JSON.parse((event as MessageEvent<string>).data) as Progress;
        queryClient.setQueryData<SetRun>(key, (old) => (old ? { ...old, ...progress } : old));
      });
      source.addEventListener('done', (event) => {
        // Close before the server ends the stream, or EventSource would reconnect and start over.
        source?.close();
        queryClient.setQueryData<SetRun>(key, JSON.parse((event as MessageEvent<string>).data) as SetRun);
      });
      source.addEventListener('error', () => {
        // EventSource retries a dropped stream from the start, and gives up on a refused one;
        // polling covers both and reports errors.
        source?.close();
        if (!stopped) setPolling(true);
      });
    });
    return () => {
      stopped = true;
      source?.close();
    };
  }, [running, polling, setId, runId, queryClient]);

  // However the end was learnt (stream or polling), the run list and the set's items changed.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (running) wasRunning.current = true;
    else if (wasRunning.current) {
      wasRunning.current = false;
      refreshAfterRun(queryClient, setId);
    }
  }, [running, queryClient, setId]);

  return run;
}
