/**
 * Choosing what of a folder an audit set allows: the tri-state tree over the folder (lazily loaded),
 * a plain-words summary of the resulting rules, and the save button. Saving sends the rules made by
 * allow-selection.ts (no rules at all when the whole folder is checked).
 */
import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AllowRule } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import {
  type AllowSelection,
  hasSelection,
  selectionToRules,
  type TreeNode,
  toggle,
} from './allow-selection.ts';
import { AllowTree } from './allow-tree.tsx';
import { useFolderTree } from './folder-tree.ts';
import { RulesSummary } from './rules-summary.tsx';

export interface AllowListEditorProps {
  top: TreeNode;
  initial: AllowSelection;
  /** Stored rules the tree cannot show exactly; saving replaces them. */
  unsupported?: readonly AllowRule[];
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (rules: AllowRule[]) => void;
  onCancel?: () => void;
}

export function AllowListEditor(p: AllowListEditorProps) {
  const { t } = useTranslation();
  const tree = useFolderTree(p.top);
  const [selection, setSelection] = useState(p.initial);
  const [tried, setTried] = useState(false);
  const onToggle = useCallback((node: TreeNode) => setSelection((s) => toggle(s, node)), []);
  const onLoadMore = useCallback((id: string) => void tree.load(id), [tree.load]);
  const empty = !hasSelection(selection);

  function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (empty) return;
    p.onSubmit(selectionToRules(selection));
  }

  return (
    <form className="form allow-list-editor" onSubmit={submit}>
      <p className="hint" id="allow-tree-help">
        {t('allowList.help')}
      </p>
      {p.unsupported && p.unsupported.length > 0 ? (
        <p className="alert alert-warning">{t('allowList.unsupported', { n: p.unsupported.length })}</p>
      ) : null}
      <AllowTree
        label={t('allowList.treeLabel', { name: p.top.name })}
        rows={tree.rows}
        selection={selection}
        expanded={tree.state.expanded}
        onToggle={onToggle}
        onExpand={tree.setExpanded}
        onLoadMore={onLoadMore}
      />
      <RulesSummary selection={selection} />
      <div role="alert" className={tried && empty ? 'alert alert-error' : 'alert-empty'}>
        {tried && empty ? t('allowList.chooseSomething') : ''}
      </div>
      <ErrorAlert error={p.error} />
      <div className="actions">
        {p.onCancel ? (
          <button type="button" className="button secondary" onClick={p.onCancel}>
            {t('common.cancel')}
          </button>
        ) : null}
        <button type="submit" className="button primary" disabled={p.pending}>
          {p.pending ? t('common.working') : p.submitLabel}
        </button>
      </div>
    </form>
  );
}
