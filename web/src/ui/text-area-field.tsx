/** A labelled multi-line text input with an optional hint and a character count. */
import { type TextareaHTMLAttributes, useId } from 'react';
import { useTranslation } from 'react-i18next';

export interface TextAreaFieldProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string | undefined;
}

export function TextAreaField({ label, value, onChange, hint, maxLength, ...rest }: TextAreaFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        value={value}
        rows={4}
        maxLength={maxLength}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={`${id}-hint`}
        {...rest}
      />
      <p id={`${id}-hint`} className="hint">
        {hint ? `${hint} ` : ''}
        {maxLength ? t('common.characters', { length: value.length, max: maxLength }) : ''}
      </p>
    </div>
  );
}
