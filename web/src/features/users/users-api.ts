/** Queries and changes of the users page (`/api/v1/users`, `/api/v1/organizations`). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Language, Role, UserKind } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';

export const PAGE_SIZE = 25;

export interface UserFilters {
  role: Role | undefined;
  kind: UserKind | undefined;
  q: string;
}

export function useUsers(filters: UserFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['users', filters, cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/users', {
        query: {
          limit: PAGE_SIZE,
          cursor,
          role: filters.role,
          kind: filters.kind,
          q: filters.q || undefined,
        },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useAuditorFirms() {
  return useQuery({
    queryKey: ['organizations'],
    queryFn: ({ signal }) => api.get('/api/v1/organizations', { signal }),
    select: (data) => data.items.filter((o) => o.kind === 'auditor_firm'),
  });
}

export function useAddFirm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post('/api/v1/organizations', { body: { name } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['organizations'] }),
  });
}

function useUsersMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}

export interface NewAuditor {
  name: string;
  email: string;
  auditorFirm: string | null;
  language: Language;
  /** A password now, or an emailed invitation when undefined. */
  password: string | undefined;
}

export function useCreateAuditor() {
  return useUsersMutation((a: NewAuditor) =>
    api.post('/api/v1/users', {
      body: {
        name: a.name,
        email: a.email,
        auditorFirm: a.auditorFirm,
        language: a.language,
        ...(a.password ? { password: a.password } : { invite: true }),
      },
    }),
  );
}

export interface UserChanges {
  name?: string;
  email?: string;
  auditorFirm?: string | null;
  language?: Language;
  disabled?: boolean;
}

export function useUpdateUser() {
  return useUsersMutation((v: { id: string; changes: UserChanges }) =>
    api.patch('/api/v1/users/{id}', { params: { id: v.id }, body: v.changes }),
  );
}

export function useSetRoles() {
  return useUsersMutation((v: { id: string; roles: Role[] }) =>
    api.put('/api/v1/users/{id}/roles', { params: { id: v.id }, body: { roles: v.roles } }),
  );
}

export function useDeleteUser() {
  return useUsersMutation((id: string) => api.delete('/api/v1/users/{id}', { params: { id } }));
}

/** The organisation's Box users (audit admins only), for picking event actors by their Box id. */
export function useBoxUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'box-actors'],
    queryFn: ({ signal }) => api.get('/api/v1/users', { query: { kind: 'box', limit: 200 }, signal }),
    select: (page) => page.items.filter((u) => u.boxUserId),
    enabled,
  });
}

/**
 * People who may hold a role in an audit set (audit admins for co-owners, general users for members,
 * external auditors for reviewers), searched by name or email.
 */
export function useEligibleUsers(role: Role, q: string, enabled = true) {
  return useQuery({
    queryKey: ['users', 'eligible', role, q],
    queryFn: ({ signal }) =>
      api.get('/api/v1/users', { query: { role, q: q || undefined, limit: 20 }, signal }),
    select: (page) => page.items.filter((u) => !u.disabled),
    placeholderData: keepPreviousData,
    enabled,
  });
}
