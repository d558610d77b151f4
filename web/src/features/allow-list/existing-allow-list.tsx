/**
 * Editing the allow-list of a folder already in a set: the tree starts checked as the stored rules
 * say (`PUT /audit-sets/{id}/items/{itemId}` saves the new rules; the baseline is recorded again).
 */
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { useSetItem, useUpdateItemRules } from '../audit-sets/audit-sets-api.ts';
import { AllowListEditor } from './allow-list-editor.tsx';
import { selectionFromRules, type TreeNode } from './allow-selection.ts';
import { useRuleNodes } from './rule-nodes.ts';

export function ExistingAllowList({
  setId,
  itemId,
  onSaved,
  onCancel,
}: {
  setId: string;
  itemId: string;
  onSaved: (name: string) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const item = useSetItem(setId, itemId);
  const nodes = useRuleNodes(itemId, item.data?.rules);
  const save = useUpdateItemRules(setId);

  if (item.isPending || nodes.isPending) return <Loading />;
  if (item.isError || nodes.isError) return <ErrorAlert error={item.error ?? nodes.error} />;
  const top: TreeNode = { id: itemId, type: 'folder', name: item.data.name, ancestors: [] };
  const { selection, unsupported } = selectionFromRules(top, item.data.rules, nodes.data);
  return (
    <AllowListEditor
      key={item.dataUpdatedAt}
      top={top}
      initial={selection}
      unsupported={unsupported}
      submitLabel={t('allowList.save')}
      pending={save.isPending}
      error={save.error}
      onSubmit={(rules) => save.mutate({ itemId, rules }, { onSuccess: () => onSaved(item.data.name) })}
      {...(onCancel ? { onCancel } : {})}
    />
  );
}
