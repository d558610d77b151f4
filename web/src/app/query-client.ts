/** One query cache for the app: API errors other than network trouble and 5xx are not retried. */
import { QueryClient } from '@tanstack/react-query';
import { onSessionEnded } from '../api/api-client.ts';
import { isApiError } from '../api/api-error.ts';
import { resetSessionCache } from '../features/session/session-api.ts';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) =>
        failures < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
    },
    mutations: { retry: false },
  },
});

// The refresh token was refused: forget everything about the session; the guard sends the user
// to the sign-in page.
onSessionEnded(() => resetSessionCache(queryClient, null));
