/** The signed-in user (`GET /api/v1/me`), signing in and out. */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { sessionCleared, sessionStarted } from '../../api/api-client.ts';
import { isApiError } from '../../api/api-error.ts';
import type { Me } from '../../api/api-types.ts';
import { dropCsrfCookie, mayHaveSession } from '../../api/cookies.ts';
import { api } from '../../api/typed-api.ts';
import { changeLanguage, currentLanguage } from '../../i18n/i18n-setup.ts';

export const ME_QUERY_KEY = ['me'] as const;

/** The current user, or null when signed out. Without a session cookie there is nothing to ask. */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  if (!mayHaveSession()) return null;
  try {
    const me = await api.get('/api/v1/me', { signal });
    // Signed in (with a password, with Box, or in another tab): the account's language applies.
    if (me.language !== currentLanguage()) await changeLanguage(me.language);
    return me;
  } catch (err) {
    if (isApiError(err) && err.status === 401) return null;
    throw err;
  }
}

/**
 * A new session (or none): everything cached for the previous one goes, the user is set. The `me`
 * query is updated in place rather than removed so that mounted observers see the change.
 */
export function resetSessionCache(queryClient: QueryClient, me: Me | null): void {
  if (me) signedOutByUser = false;
  queryClient.setQueryData(ME_QUERY_KEY, me);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_QUERY_KEY[0] });
}

export function useMe() {
  return useQuery({ queryKey: ME_QUERY_KEY, queryFn: ({ signal }) => fetchMe(signal), staleTime: 60_000 });
}

/** The signed-in user inside the app shell (the session guard has already waited for it). */
export function useCurrentUser(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useCurrentUser outside a signed-in page');
  return data;
}

export interface SignInInput {
  email: string;
  password: string;
  totp?: string | undefined;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: SignInInput) => {
      const session = await api.post('/api/v1/auth/login', {
        body: { email: input.email, password: input.password, ...(input.totp ? { totp: input.totp } : {}) },
      });
      sessionStarted(session.expiresIn);
      // The user's saved language applies from sign-in on.
      await changeLanguage(session.user.language);
      return api.get('/api/v1/me');
    },
    onSuccess: (me) => resetSessionCache(queryClient, me),
  });
}

/** Signing out: the server ends the session and clears its cookies; then call `forgetSession`. */
export function useSignOut() {
  return useMutation({
    mutationFn: async () => {
      try {
        await api.post('/api/v1/auth/logout', { body: {} });
      } catch {
        // The server could not be told; still forget the session here.
        dropCsrfCookie();
      }
    },
  });
}

let signedOutByUser = false;

/** After "Sign out" the session guard goes to the plain sign-in page (no "return to" the old page). */
export function signedOutOnPurpose(): boolean {
  return signedOutByUser;
}

export function forgetSession(queryClient: QueryClient): void {
  signedOutByUser = true;
  sessionCleared();
  resetSessionCache(queryClient, null);
}

export function hasRole(me: Me, ...roles: Me['roles']): boolean {
  return roles.some((r) => me.roles.includes(r));
}
