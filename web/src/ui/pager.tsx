/** Previous / next buttons for keyset-paged lists (`{items, nextCursor, prevCursor}`). */
import { useTranslation } from 'react-i18next';

export interface PagerProps {
  prevCursor: string | null | undefined;
  nextCursor: string | null | undefined;
  onPage: (cursor: string | undefined) => void;
  label: string;
}

export function Pager({ prevCursor, nextCursor, onPage, label }: PagerProps) {
  const { t } = useTranslation();
  if (!prevCursor && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button secondary"
        disabled={!prevCursor}
        onClick={() => onPage(prevCursor ?? undefined)}
      >
        {t('common.previousPage')}
      </button>
      <button
        type="button"
        className="button secondary"
        disabled={!nextCursor}
        onClick={() => onPage(nextCursor ?? undefined)}
      >
        {t('common.nextPage')}
      </button>
    </nav>
  );
}
