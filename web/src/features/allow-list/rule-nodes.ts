/**
 * Where each stored rule's target sits below the set's folder (type, name, ancestors), so that the
 * tree can show a partly selected folder as partial before it is opened. Read from the file and
 * folder details (`path`), a few at a time.
 */
import { useQuery } from '@tanstack/react-query';
import { isApiError } from '../../api/api-error.ts';
import type { AllowRule } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';
import type { TreeNode } from './allow-selection.ts';

const CONCURRENCY = 4;

async function resolve(rule: AllowRule, topId: string, signal: AbortSignal): Promise<TreeNode | null> {
  try {
    const o = { params: { id: rule.itemId }, signal };
    const details =
      rule.itemType === 'file'
        ? await api.get('/api/v1/files/{id}', o)
        : await api.get('/api/v1/folders/{id}', o);
    const ids = details.path.map((p) => p.id);
    const at = ids.indexOf(topId);
    if (at < 0) return null;
    return { id: details.id, type: rule.itemType, name: details.name, ancestors: ids.slice(at) };
  } catch (err) {
    // Gone from Box (or out of reach): the rule is kept as unsupported, not guessed.
    if (isApiError(err) && err.status === 404) return null;
    throw err;
  }
}

export function useRuleNodes(topId: string, rules: readonly AllowRule[] | undefined) {
  const targets = (rules ?? []).filter((r) => r.itemId !== topId);
  return useQuery({
    queryKey: ['rule-nodes', topId, targets.map((r) => `${r.itemType}:${r.itemId}`)],
    enabled: rules !== undefined,
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const found = new Map<string, TreeNode>();
      const queue = [...new Map(targets.map((r) => [r.itemId, r])).values()];
      const worker = async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          const node = await resolve(r, topId, signal);
          if (node) found.set(node.id, node);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return found;
    },
  });
}
