/**
 * File verification (product.md F6.4, F6.6): a file's history, "verify now" (the result comes back
 * with its evidence), one verification with its evidence, and the evidence bundle downloads.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/typed-api.ts';

export const VERIFICATION_PAGE_SIZE = 10;

export function useFileVerifications(fileId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: ['file-verifications', fileId, cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/files/{id}/verifications', {
        params: { id: fileId },
        query: { cursor, limit: VERIFICATION_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useVerifyFile(fileId: string, setId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api.post('/api/v1/files/{id}/verifications', { params: { id: fileId }, body: setId ? { setId } : {} }),
    onSuccess: (v) => {
      queryClient.setQueryData(['verification', v.id], v);
      void queryClient.invalidateQueries({ queryKey: ['file-verifications', fileId] });
      void queryClient.invalidateQueries({ queryKey: ['audit-set'] });
    },
  });
}

export function useVerification(id: string | null) {
  return useQuery({
    queryKey: ['verification', id],
    queryFn: ({ signal }) => api.get('/api/v1/verifications/{id}', { params: { id: id ?? '' }, signal }),
    enabled: id !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * The evidence bundle (`?format=json`, checked offline with `auditor verify-bundle`, or `html`, a
 * report that checks itself).
 */
export function bundlePath(verificationId: string): string {
  return `/api/v1/verifications/${encodeURIComponent(verificationId)}/bundle`;
}
