/**
 * Personal API tokens for the CLI and automation: the list, a form to create one with scopes the user
 * holds (the secret is shown once, with a copy button), and revoking with a confirmation.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiToken, NewApiToken, Scope } from '../../api/api-types.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from './settings-api.ts';

export function ApiTokensSection() {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  // The name of the token just revoked (the confirmation is worded at render time).
  const [revokedName, setRevokedName] = useState<string | null>(null);

  function toggleScope(scope: Scope, on: boolean) {
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setRevokedName(null);
    const expiresInDays = days.trim() ? Number(days) : undefined;
    create.mutate(
      { name: name.trim(), scopes: me.scopes.filter((s) => scopes.includes(s)), expiresInDays },
      {
        onSuccess: (token) => {
          setCreated(token);
          setName('');
        },
      },
    );
  }

  const date = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : t('apiTokens.never'));

  return (
    <section className="panel" aria-labelledby="api-tokens-title">
      <h2 id="api-tokens-title">{t('apiTokens.title')}</h2>
      <p className="muted">{t('apiTokens.explanation')}</p>
      <StatusMessage message={revokedName ? t('apiTokens.revokedMessage', { name: revokedName }) : null} />
      {created ? (
        <section className="token-once" aria-labelledby="new-token-title">
          <h3 id="new-token-title">{t('apiTokens.createdTitle', { name: created.name })}</h3>
          <p>{t('apiTokens.shownOnce')}</p>
          <div className="secret-row">
            <code id="new-token" className="secret break">
              {created.token}
            </code>
            <CopyButton text={created.token} targetId="new-token" label={t('apiTokens.copy')} />
          </div>
          <button type="button" className="button secondary" onClick={() => setCreated(null)}>
            {t('apiTokens.done')}
          </button>
        </section>
      ) : null}
      {tokens.isPending ? <Loading /> : null}
      <ErrorAlert error={tokens.error} />
      {tokens.data && tokens.data.length === 0 ? <p className="empty">{t('apiTokens.none')}</p> : null}
      {tokens.data && tokens.data.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('apiTokens.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('apiTokens.name')}</th>
                <th scope="col">{t('apiTokens.scopes')}</th>
                <th scope="col">{t('apiTokens.created')}</th>
                <th scope="col">{t('apiTokens.expires')}</th>
                <th scope="col">{t('apiTokens.lastUsed')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <th scope="row" data-label={t('apiTokens.name')}>
                    {token.name}
                  </th>
                  <td data-label={t('apiTokens.scopes')}>
                    {token.scopes.map((s) => t(`scopes.${s}`)).join(', ')}
                  </td>
                  <td data-label={t('apiTokens.created')}>{date(token.createdAt)}</td>
                  <td data-label={t('apiTokens.expires')}>{date(token.expiresAt)}</td>
                  <td data-label={t('apiTokens.lastUsed')}>{date(token.lastUsedAt)}</td>
                  <td data-label={t('common.actions')}>
                    <button
                      type="button"
                      className="button small danger"
                      onClick={() => {
                        revoke.reset();
                        setRevoking(token);
                      }}
                    >
                      {t('apiTokens.revoke')}
                      <span className="visually-hidden">: {token.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <form onSubmit={submit} className="form subpanel" aria-labelledby="new-token-form-title">
        <h3 id="new-token-form-title">{t('apiTokens.newTitle')}</h3>
        <TextField label={t('apiTokens.name')} required maxLength={64} value={name} onChange={setName} />
        <fieldset>
          <legend>{t('apiTokens.scopes')}</legend>
          {me.scopes.map((scope) => (
            <label key={scope} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) => toggleScope(scope, event.target.checked)}
              />
              <span>
                {t(`scopes.${scope}`)}
                <span className="hint block">{t(`scopeDescriptions.${scope}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <TextField
          label={t('apiTokens.expiresInDays')}
          hint={t('apiTokens.expiresInDaysHint')}
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          value={days}
          onChange={setDays}
        />
        <ErrorAlert error={create.error} />
        <div className="actions start">
          <button type="submit" className="button primary" disabled={create.isPending || scopes.length === 0}>
            {create.isPending ? t('common.working') : t('apiTokens.create')}
          </button>
        </div>
      </form>

      {revoking ? (
        <ConfirmDialog
          title={t('apiTokens.revokeTitle', { name: revoking.name })}
          message={t('apiTokens.revokeMessage')}
          confirmLabel={t('apiTokens.revoke')}
          pending={revoke.isPending}
          error={revoke.error}
          onClose={() => setRevoking(null)}
          onConfirm={() =>
            revoke.mutate(revoking.id, {
              onSuccess: () => {
                setRevoking(null);
                setRevokedName(revoking.name);
              },
            })
          }
        />
      ) : null}
    </section>
  );
}
