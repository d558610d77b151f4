/** Names of Box event types in the UI language (Box's own name where we have no translation). */
import type { i18n as I18n, TFunction } from 'i18next';

export function eventTypeLabel(t: TFunction, i18n: I18n, type: string): string {
  const key = `eventTypes.${type}`;
  return i18n.exists(key) ? t(key as 'eventTypes.UPLOAD') : type;
}
