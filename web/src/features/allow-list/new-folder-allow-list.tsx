/** Adding a folder to a set: everything checked to begin with; uncheck what the set must not show. */
import { useTranslation } from 'react-i18next';
import { useAddItem } from '../audit-sets/audit-sets-api.ts';
import { AllowListEditor } from './allow-list-editor.tsx';
import { newSelection, type TreeNode } from './allow-selection.ts';

export function NewFolderAllowList({
  setId,
  folder,
  onSaved,
  onCancel,
}: {
  setId: string;
  folder: { id: string; name: string };
  onSaved: (name: string) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const add = useAddItem(setId);
  const top: TreeNode = { id: folder.id, type: 'folder', name: folder.name, ancestors: [] };
  return (
    <AllowListEditor
      key={`${setId}:${folder.id}`}
      top={top}
      initial={newSelection(top, true)}
      submitLabel={t('allowList.addFolder')}
      pending={add.isPending}
      error={add.error}
      onSubmit={(rules) =>
        add.mutate({ itemId: folder.id, type: 'folder', rules }, { onSuccess: () => onSaved(folder.name) })
      }
      {...(onCancel ? { onCancel } : {})}
    />
  );
}
