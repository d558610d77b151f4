/**
 * Picks people for one role: the chosen ones (each removable) and a search over the people eligible
 * for that role (`GET /api/v1/users?role=…&q=…`), each added with a button.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person, Role } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useEligibleUsers } from './users-api.ts';

export interface PersonPickerProps {
  legend: string;
  hint?: string;
  /** Who is eligible. */
  eligible: Role;
  selected: Person[];
  onChange: (people: Person[]) => void;
  /** Ids that may not be picked here (the owner, people holding another role). */
  excluded?: readonly string[];
}

export function PersonPicker({
  legend,
  hint,
  eligible,
  selected,
  onChange,
  excluded = [],
}: PersonPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const candidates = useEligibleUsers(eligible, q.trim());
  const taken = new Set([...excluded, ...selected.map((p) => p.id)]);
  const offers = (candidates.data ?? []).filter((u) => !taken.has(u.id));

  return (
    <fieldset className="person-picker">
      <legend>{legend}</legend>
      {hint ? <p className="hint">{hint}</p> : null}
      {selected.length === 0 ? (
        <p className="muted">{t('people.noneChosen')}</p>
      ) : (
        <ul className="chosen-list">
          {selected.map((p) => (
            <li key={p.id}>
              <span className="break">
                {p.name} <span className="muted">{p.email}</span>
              </span>
              <button
                type="button"
                className="button small secondary"
                onClick={() => onChange(selected.filter((s) => s.id !== p.id))}
              >
                {t('people.remove')}
                <span className="visually-hidden">: {p.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor={`${id}-q`}>{t('people.find')}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          maxLength={100}
          placeholder={t('people.findPlaceholder')}
          onChange={(event) => setQ(event.target.value)}
          onKeyDown={(event) => {
            // Inside a form, Enter searches (as typing already does) instead of submitting it.
            if (event.key === 'Enter') event.preventDefault();
          }}
        />
      </div>
      <ErrorAlert error={candidates.error} />
      {candidates.data && offers.length === 0 ? <p className="hint">{t('people.noMatches')}</p> : null}
      {offers.length > 0 ? (
        <ul className="offer-list" aria-label={t('people.matches', { legend })}>
          {offers.map((u) => (
            <li key={u.id}>
              <span className="break">
                {u.name} <span className="muted">{u.email}</span>
              </span>
              <button
                type="button"
                className="button small secondary"
                onClick={() => onChange([...selected, { id: u.id, name: u.name, email: u.email }])}
              >
                {t('people.add')}
                <span className="visually-hidden">: {u.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
