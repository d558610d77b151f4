/** From / to fields in the browser's time zone, which is named once under them. */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { browserTimeZone } from '../../ui/format.ts';
import { TextField } from '../../ui/text-field.tsx';
import { utcOffsetLabel } from './time-range.ts';

export interface TimeRangeValue {
  from: string;
  to: string;
}

export function TimeRangeFields({
  value,
  onChange,
}: {
  value: TimeRangeValue;
  onChange: (v: TimeRangeValue) => void;
}) {
  const { t } = useTranslation();
  const noteId = useId();
  return (
    <>
      <TextField
        label={t('events.from')}
        type="datetime-local"
        value={value.from}
        onChange={(from) => onChange({ ...value, from })}
        aria-describedby={noteId}
      />
      <TextField
        label={t('events.to')}
        type="datetime-local"
        value={value.to}
        onChange={(to) => onChange({ ...value, to })}
        aria-describedby={noteId}
      />
      <p id={noteId} className="hint filters-note">
        {t('events.timeZoneHint', { zone: browserTimeZone(), offset: utcOffsetLabel() })}
      </p>
    </>
  );
}
