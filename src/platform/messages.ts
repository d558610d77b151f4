/**
 * User-safe error messages in English and Japanese, keyed by the stable error code clients rely on.
 * `{name}` placeholders are filled from AppError params. A test checks both languages cover every key.
 */
export const messages = {
  // Generic
  VALIDATION_FAILED: { en: 'The request is not valid.', ja: 'リクエストの内容が正しくありません。' },
  BODY_TOO_LARGE: { en: 'The request body is too large.', ja: 'リクエスト本文が大きすぎます。' },
  UNSUPPORTED_MEDIA_TYPE: {
    en: 'This content type is not supported.',
    ja: 'このコンテンツタイプには対応していません。',
  },
  MALFORMED_JSON: {
    en: 'The request body is not valid JSON.',
    ja: 'リクエスト本文が正しいJSONではありません。',
  },
  NOT_FOUND: { en: 'Not found.', ja: '見つかりません。' },
  ROUTE_NOT_FOUND: { en: 'There is no such endpoint.', ja: 'そのエンドポイントは存在しません。' },
  METHOD_NOT_ALLOWED: { en: 'This method is not allowed here.', ja: 'このメソッドは許可されていません。' },
  UNAUTHENTICATED: { en: 'Sign-in is required.', ja: 'サインインが必要です。' },
  TOKEN_INVALID: {
    en: 'The access token is invalid or has expired.',
    ja: 'アクセストークンが無効か、有効期限が切れています。',
  },
  TOKEN_REVOKED: {
    en: 'The session has ended. Please sign in again.',
    ja: 'セッションは終了しました。もう一度サインインしてください。',
  },
  CSRF_TOKEN_INVALID: {
    en: 'The CSRF token is missing or wrong.',
    ja: 'CSRFトークンがないか、正しくありません。',
  },
  FORBIDDEN: { en: 'You do not have permission to do this.', ja: 'この操作を行う権限がありません。' },
  INSUFFICIENT_SCOPE: {
    en: 'The token does not have the required scope.',
    ja: 'トークンに必要なスコープがありません。',
  },
  RATE_LIMITED: {
    en: 'Too many requests. Try again in {seconds} seconds.',
    ja: 'リクエストが多すぎます。{seconds}秒後に再試行してください。',
  },
  SERVICE_UNAVAILABLE: {
    en: 'The service is temporarily unavailable.',
    ja: 'サービスは一時的に利用できません。',
  },
  DATABASE_UNAVAILABLE: {
    en: 'The database is temporarily unavailable.',
    ja: 'データベースは一時的に利用できません。',
  },
  MAINTENANCE_MODE: {
    en: 'The service is in maintenance. Changes are paused; try again later.',
    ja: 'メンテナンス中のため変更は一時停止しています。後ほど再試行してください。',
  },
  UPSTREAM_UNAVAILABLE: {
    en: 'A dependent service is unavailable.',
    ja: '依存するサービスが利用できません。',
  },
  INTERNAL_ERROR: { en: 'Something went wrong on our side.', ja: 'サーバー側でエラーが発生しました。' },
  CURSOR_INVALID: { en: 'The page cursor is not valid.', ja: 'ページカーソルが正しくありません。' },
  // Identity
  INVALID_CREDENTIALS: {
    en: 'The email or password is wrong.',
    ja: 'メールアドレスまたはパスワードが正しくありません。',
  },
  TOTP_REQUIRED: {
    en: 'Enter the code from your authenticator app.',
    ja: '認証アプリのコードを入力してください。',
  },
  TOTP_INVALID: { en: 'The authenticator code is wrong.', ja: '認証コードが正しくありません。' },
  TOTP_ALREADY_ENABLED: {
    en: 'Two-step sign-in is already on. Turn it off with a current code before enrolling again.',
    ja: '2段階認証は既に有効です。再登録する前に、現在のコードで無効にしてください。',
  },
  ACCOUNT_LOCKED: {
    en: 'Too many failed attempts. Try again in {seconds} seconds.',
    ja: '失敗が多すぎます。{seconds}秒後に再試行してください。',
  },
  ACCOUNT_DISABLED: { en: 'This account is disabled.', ja: 'このアカウントは無効化されています。' },
  REFRESH_TOKEN_INVALID: { en: 'The refresh token is invalid.', ja: 'リフレッシュトークンが無効です。' },
  REFRESH_TOKEN_REUSED: {
    en: 'This refresh token was already used; the session has been ended for safety.',
    ja: 'このリフレッシュトークンは使用済みです。安全のためセッションを終了しました。',
  },
  RESET_CODE_INVALID: {
    en: 'The reset code is invalid or has expired.',
    ja: 'リセットコードが無効か、有効期限が切れています。',
  },
  PASSWORD_TOO_WEAK: {
    en: 'The password must be 12 to 128 characters long.',
    ja: 'パスワードは12〜128文字にしてください。',
  },
  EMAIL_TAKEN: {
    en: 'A user with this email already exists.',
    ja: 'このメールアドレスのユーザーは既に存在します。',
  },
  USER_NOT_FOUND: { en: 'User not found.', ja: 'ユーザーが見つかりません。' },
  ORGANIZATION_NOT_FOUND: { en: 'Organisation not found.', ja: '組織が見つかりません。' },
  ROLE_NOT_ALLOWED: {
    en: 'This role cannot be given to this user.',
    ja: 'このユーザーにこのロールは付与できません。',
  },
  LAST_AUDIT_ADMIN: {
    en: 'The organisation must keep at least one audit admin.',
    ja: '組織には少なくとも1人の監査管理者が必要です。',
  },
  BOX_ADMIN_KEEPS_AUDIT_ADMIN: {
    en: 'The Box enterprise admin always keeps the audit admin role.',
    ja: 'Boxのエンタープライズ管理者は常に監査管理者ロールを保持します。',
  },
  NOT_AN_EXTERNAL_AUDITOR: {
    en: 'Only external auditor accounts can be changed this way.',
    ja: 'この操作は外部監査人アカウントのみ可能です。',
  },
  CANNOT_DELETE_SELF: {
    en: 'You cannot delete or disable your own account.',
    ja: '自分のアカウントは削除・無効化できません。',
  },
  SCOPE_NOT_HELD: {
    en: 'A token cannot have more rights than its user.',
    ja: 'トークンにユーザー以上の権限は付与できません。',
  },
  API_TOKEN_NOT_FOUND: { en: 'API token not found.', ja: 'APIトークンが見つかりません。' },
  INVITATION_INVALID: {
    en: 'The invitation is invalid or has expired.',
    ja: '招待が無効か、有効期限が切れています。',
  },
  OAUTH_STATE_INVALID: {
    en: 'The sign-in request is invalid or has expired. Please start again.',
    ja: 'サインイン要求が無効か期限切れです。最初からやり直してください。',
  },
  OAUTH_EXCHANGE_FAILED: { en: 'Box sign-in failed.', ja: 'Boxへのサインインに失敗しました。' },
  BOX_NOT_CONFIGURED: {
    en: 'Box is not configured for this organisation.',
    ja: 'この組織ではBoxが設定されていません。',
  },
  BOX_USER_NOT_IN_ENTERPRISE: {
    en: 'This Box user does not belong to an enterprise.',
    ja: 'このBoxユーザーはエンタープライズに属していません。',
  },
  // Box
  BOX_UNAVAILABLE: {
    en: 'Box could not be reached. Try again later.',
    ja: 'Boxに接続できません。後ほど再試行してください。',
  },
  BOX_RATE_LIMITED: {
    en: 'Box is limiting our requests. Try again later.',
    ja: 'Boxからリクエストを制限されています。後ほど再試行してください。',
  },
  BOX_ITEM_NOT_FOUND: { en: 'The Box item was not found.', ja: 'Boxのアイテムが見つかりません。' },
  BOX_ACCESS_DENIED: {
    en: 'Box denied access to this item.',
    ja: 'Boxがこのアイテムへのアクセスを拒否しました。',
  },
  WEBHOOK_SIGNATURE_INVALID: { en: 'The webhook signature is invalid.', ja: 'Webhookの署名が無効です。' },
  // Events
  EVENT_RANGE_INVALID: {
    en: 'The start of the range must be before its end.',
    ja: '期間の開始は終了より前にしてください。',
  },
  EVENT_TYPE_UNKNOWN: { en: 'Unknown event type: {type}.', ja: '不明なイベント種別です: {type}' },
  EXPORT_FORMAT_INVALID: {
    en: 'The export format must be csv or json.',
    ja: 'エクスポート形式はcsvまたはjsonにしてください。',
  },
  // Audit sets
  AUDIT_SET_NOT_FOUND: { en: 'Audit set not found.', ja: '監査セットが見つかりません。' },
  AUDIT_SET_NAME_TAKEN: {
    en: 'An audit set with this name already exists.',
    ja: '同じ名前の監査セットが既に存在します。',
  },
  AUDIT_SET_NOT_DELETED: { en: 'This audit set is not deleted.', ja: 'この監査セットは削除されていません。' },
  AUDIT_SET_RESTORE_EXPIRED: {
    en: 'Deleted audit sets can be restored for 30 days only.',
    ja: '削除された監査セットは30日以内のみ復元できます。',
  },
  COLLABORATOR_NOT_ELIGIBLE: {
    en: 'This user cannot hold the role {role}.',
    ja: 'このユーザーはロール{role}を持てません。',
  },
  COLLABORATOR_DUPLICATE: {
    en: 'A user can hold only one role in an audit set.',
    ja: '1人のユーザーが監査セットで持てるロールは1つだけです。',
  },
  OWNER_TRANSFER_INVALID: {
    en: 'Ownership can only be transferred to a co-owner.',
    ja: '所有権は共同所有者にのみ移譲できます。',
  },
  ITEM_NOT_IN_SET: {
    en: 'This item is not in the audit set.',
    ja: 'このアイテムは監査セットに含まれていません。',
  },
  ITEM_ALREADY_IN_SET: {
    en: 'This item is already in the audit set.',
    ja: 'このアイテムは既に監査セットに含まれています。',
  },
  ITEM_RULES_INVALID: {
    en: 'The allow-list rules are not valid.',
    ja: '許可リストのルールが正しくありません。',
  },
  AUDIT_GROUP_NOT_FOUND: { en: 'Audit group not found.', ja: '監査グループが見つかりません。' },
  AUDIT_GROUP_NAME_TAKEN: {
    en: 'An audit group with this name already exists.',
    ja: '同じ名前の監査グループが既に存在します。',
  },
  GROUP_MEMBER_NOT_EXTERNAL_AUDITOR: {
    en: 'Audit groups can only contain external auditors.',
    ja: '監査グループには外部監査人のみ追加できます。',
  },
  // Files
  FILE_NOT_FOUND: { en: 'File not found.', ja: 'ファイルが見つかりません。' },
  FOLDER_NOT_FOUND: { en: 'Folder not found.', ja: 'フォルダが見つかりません。' },
  RANGE_NOT_SATISFIABLE: {
    en: 'The requested range cannot be served.',
    ja: '要求された範囲は提供できません。',
  },
  // Verification and ledger
  VERIFICATION_NOT_FOUND: { en: 'Verification not found.', ja: '検証が見つかりません。' },
  CHECKPOINT_NOT_FOUND: {
    en: 'No checkpoint of that size exists.',
    ja: 'そのサイズのチェックポイントは存在しません。',
  },
  LEAF_NOT_FOUND: { en: 'No leaf at that index.', ja: 'そのインデックスのリーフは存在しません。' },
  PROOF_RANGE_INVALID: { en: 'The proof parameters are out of range.', ja: '証明のパラメータが範囲外です。' },
  LEDGER_EMPTY: { en: 'The log has no checkpoint yet.', ja: 'ログにはまだチェックポイントがありません。' },
  WITNESS_COSIGNATURE_NOT_FOUND: {
    en: 'The witness has not cosigned a checkpoint of this log yet.',
    ja: 'ウィットネスはまだこのログのチェックポイントに連署していません。',
  },
  // Operations
  INCIDENT_NOT_FOUND: { en: 'Incident not found.', ja: 'インシデントが見つかりません。' },
  PROMETHEUS_UNAVAILABLE: {
    en: 'Prometheus did not answer; the SLO summary is unavailable.',
    ja: 'Prometheus から応答がないため、SLO の概要を表示できません。',
  },
  INCIDENT_TRANSITION_INVALID: {
    en: 'An incident cannot go from {from} to {to}.',
    ja: 'インシデントを {from} から {to} に変更することはできません。',
  },
} as const satisfies Record<string, { en: string; ja: string }>;

export type MessageKey = keyof typeof messages;
export type Language = 'en' | 'ja';

/** Picks `ja` when the client prefers Japanese over English (RFC 9110 Accept-Language, q-values). */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'en';
  let best: { lang: Language; q: number } = { lang: 'en', q: -1 };
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    const primary = tag.toLowerCase().split('-')[0];
    if ((primary === 'ja' || primary === 'en') && Number.isFinite(q) && q > best.q)
      best = { lang: primary, q };
  }
  return best.lang;
}

export function localise(code: MessageKey, lang: Language, params?: Record<string, string | number>): string {
  let text: string = messages[code]?.[lang] ?? messages.INTERNAL_ERROR[lang];
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}
