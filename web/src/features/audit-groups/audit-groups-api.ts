/** Audit groups of external auditors (`/api/v1/audit-groups`, audit admins). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/typed-api.ts';

const KEY = ['audit-groups'] as const;

export function useAuditGroups(enabled = true) {
  return useQuery({
    queryKey: KEY,
    queryFn: ({ signal }) => api.get('/api/v1/audit-groups', { signal }),
    select: (data) => data.items,
    enabled,
  });
}

export interface GroupInput {
  name: string;
  description: string;
  memberIds: string[];
}

function useGroupsMutation<V>(fn: (v: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: KEY });
      void queryClient.invalidateQueries({ queryKey: ['audit-set'] });
    },
  });
}

export function useCreateGroup() {
  return useGroupsMutation((g: GroupInput) => api.post('/api/v1/audit-groups', { body: g }));
}

export function useUpdateGroup() {
  return useGroupsMutation((v: { id: string; group: GroupInput }) =>
    api.patch('/api/v1/audit-groups/{id}', { params: { id: v.id }, body: v.group }),
  );
}

export function useDeleteGroup() {
  return useGroupsMutation((id: string) => api.delete('/api/v1/audit-groups/{id}', { params: { id } }));
}
