/** Translated names of roles and account kinds. */
import type { TFunction } from 'i18next';
import type { Role, UserKind } from '../../api/api-types.ts';

export function roleLabel(t: TFunction, role: Role): string {
  return t(`roles.${role}`);
}

export function kindLabel(t: TFunction, kind: UserKind): string {
  return t(`kinds.${kind}`);
}
