/** The signed-in user's own settings: profile, authenticator app, personal API tokens. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Language, Me, Scope } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';
import { ME_QUERY_KEY } from '../session/session-api.ts';

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: { name?: string; language?: Language }) =>
      api.patch('/api/v1/me', { body: changes }),
    onSuccess: (user) =>
      queryClient.setQueryData<Me | null>(ME_QUERY_KEY, (me) => (me ? { ...me, ...user } : me)),
  });
}

export function useBeginTotp() {
  return useMutation({ mutationFn: () => api.post('/api/v1/me/totp') });
}

function useTotpChange(fn: (code: string) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY }),
  });
}

export function useConfirmTotp() {
  return useTotpChange((code) => api.post('/api/v1/me/totp/confirm', { body: { code } }));
}

export function useDisableTotp() {
  return useTotpChange((code) => api.delete('/api/v1/me/totp', { body: { code } }));
}

const TOKENS_KEY = ['api-tokens'] as const;

export function useApiTokens() {
  return useQuery({
    queryKey: TOKENS_KEY,
    queryFn: ({ signal }) => api.get('/api/v1/api-tokens', { signal }),
    select: (data) => data.items,
  });
}

export interface NewTokenInput {
  name: string;
  scopes: Scope[];
  expiresInDays: number | undefined;
}

export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: NewTokenInput) =>
      api.post('/api/v1/api-tokens', {
        body: {
          name: input.name,
          scopes: input.scopes,
          ...(input.expiresInDays ? { expiresInDays: input.expiresInDays } : {}),
        },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}

export function useRevokeApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete('/api/v1/api-tokens/{id}', { params: { id } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}
