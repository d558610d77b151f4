/**
 * Which sets to list (all / new / in review / favourites / deleted — each only for the roles it means
 * something to) and a search over set names. Filters are links, so the address keeps them.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { TextField } from '../../ui/text-field.tsx';
import type { SetFilter } from './audit-sets-api.ts';

export function AuditSetFilters({
  filters,
  current,
  q,
  onSearch,
}: {
  filters: readonly SetFilter[];
  current: SetFilter;
  q: string;
  onSearch: (q: string) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSearch(text.trim());
  }

  const href = (f: SetFilter) => {
    const p = new URLSearchParams();
    if (f !== 'all') p.set('filter', f);
    if (q) p.set('q', q);
    const s = p.toString();
    return s ? `/audit-sets?${s}` : '/audit-sets';
  };

  return (
    <search aria-label={t('sets.filters')} className="set-filters">
      <nav aria-label={t('sets.show')} className="segmented">
        <ul>
          {filters.map((f) => (
            <li key={f}>
              <Link to={href(f)} aria-current={f === current ? 'page' : undefined}>
                {t(`sets.filter.${f}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form className="search-group" onSubmit={submit}>
        <TextField
          label={t('sets.search')}
          type="search"
          maxLength={64}
          value={text}
          onChange={setText}
          placeholder={t('sets.searchPlaceholder')}
        />
        <button type="submit" className="button secondary">
          {t('sets.searchButton')}
        </button>
      </form>
    </search>
  );
}
