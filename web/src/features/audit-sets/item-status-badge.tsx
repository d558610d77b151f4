/**
 * An item's monitoring state: while its baseline is being recorded (PENDING_BASELINE) a progress
 * indicator with the time it has taken so far; then MONITORED with the number of files baselined.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SetItem } from '../../api/api-types.ts';
import { formatNumber } from '../../ui/format.ts';
import { itemStatusLabel } from './set-labels.ts';

export function ItemStatusBadge({ item }: { item: SetItem }) {
  const { t, i18n } = useTranslation();
  const pending = item.status === 'PENDING_BASELINE';
  const seconds = useSecondsSince(pending ? item.addedAt : null);
  if (pending) {
    return (
      <span className="status-pending">
        <progress
          className="baseline-progress"
          aria-label={t('items.baselineProgress', { name: item.name })}
        />
        <span>
          {itemStatusLabel(t, item.status)}
          <span className="hint block">
            {t('items.pendingFor', { seconds: formatNumber(seconds, i18n.language) })}
          </span>
        </span>
      </span>
    );
  }
  return (
    <span>
      <span className="badge badge-ok">{itemStatusLabel(t, item.status)}</span>
      {item.type === 'folder' && item.filesInBaseline !== null ? (
        <span className="hint block">
          {t('items.filesInBaseline', { files: formatNumber(item.filesInBaseline, i18n.language) })}
        </span>
      ) : null}
    </span>
  );
}

function useSecondsSince(iso: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000)) : 0;
}
