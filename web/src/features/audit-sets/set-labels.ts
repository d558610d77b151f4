/** Translated names of set roles, item states and verification results. */
import type { TFunction } from 'i18next';
import type { BoxItemStatus, SetItem, SetRole } from '../../api/api-types.ts';

export function setRoleLabel(t: TFunction, role: SetRole): string {
  return t(`setRoles.${role}`);
}

export function itemStatusLabel(t: TFunction, status: SetItem['status']): string {
  return t(`itemStatus.${status}`);
}

export function boxStatusLabel(t: TFunction, status: BoxItemStatus): string {
  return t(`boxStatus.${status}`);
}

const RESULTS = [
  'INTACT',
  'CHANGED',
  'TAMPERED',
  'DELETED',
  'NOT_MONITORED',
  'UNVERIFIABLE',
  'PENDING',
] as const;
type Result = (typeof RESULTS)[number];

export function verificationLabel(t: TFunction, result: string): string {
  return RESULTS.includes(result as Result) ? t(`verificationResults.${result as Result}`) : result;
}

export function verificationBadgeClass(result: string): string {
  if (result === 'INTACT' || result === 'CHANGED') return 'badge badge-ok';
  if (result === 'TAMPERED' || result === 'DELETED') return 'badge badge-danger';
  return 'badge badge-muted';
}
