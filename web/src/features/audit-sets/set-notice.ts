/**
 * Confirmations shown on a set's page after a change made there or on another page (passed in the
 * navigation state). Kept as what happened and worded at render time, in the current language.
 */
export type SetNoticeKey =
  | 'sets.createdMessage'
  | 'items.addedMessage'
  | 'items.rulesSavedMessage'
  | 'items.removedMessage';

export interface SetNotice {
  key: SetNoticeKey;
  name: string;
}

export function noticeFromState(state: unknown): SetNotice | null {
  const notice = (state as { notice?: SetNotice } | null)?.notice;
  return notice && typeof notice.key === 'string' && typeof notice.name === 'string' ? notice : null;
}
