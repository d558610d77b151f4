/** Filters of the users list: role, account kind, and a search over names and email addresses. */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, USER_KINDS } from '../../api/api-types.ts';
import { SelectField } from '../../ui/select-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { kindLabel, roleLabel } from './user-labels.ts';
import type { UserFilters } from './users-api.ts';

export function UsersFilters({
  value,
  onChange,
}: {
  value: UserFilters;
  onChange: (f: UserFilters) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState(value.q);
  useEffect(() => setQ(value.q), [value.q]);

  function search(event: FormEvent) {
    event.preventDefault();
    onChange({ ...value, q: q.trim() });
  }

  return (
    <search aria-label={t('users.filters')}>
      <form className="filters" onSubmit={search}>
        <SelectField
          label={t('users.roleFilter')}
          value={value.role ?? ''}
          options={[
            { value: '', label: t('users.anyRole') },
            ...ROLES.map((r) => ({ value: r, label: roleLabel(t, r) })),
          ]}
          onChange={(v) => onChange({ ...value, role: ROLES.find((r) => r === v) })}
        />
        <SelectField
          label={t('users.kindFilter')}
          value={value.kind ?? ''}
          options={[
            { value: '', label: t('users.anyKind') },
            ...USER_KINDS.map((k) => ({ value: k, label: kindLabel(t, k) })),
          ]}
          onChange={(v) => onChange({ ...value, kind: USER_KINDS.find((k) => k === v) })}
        />
        <div className="search-group">
          <TextField
            label={t('users.search')}
            type="search"
            maxLength={100}
            value={q}
            onChange={setQ}
            placeholder={t('users.searchPlaceholder')}
          />
          <button type="submit" className="button secondary">
            {t('users.searchButton')}
          </button>
        </div>
      </form>
    </search>
  );
}
