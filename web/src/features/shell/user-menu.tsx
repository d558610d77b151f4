/**
 * The user menu: a disclosure button with the user's name that opens a panel with the language
 * switch, a link to the settings and "Sign out". Escape or a click elsewhere closes it.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { forgetSession, useCurrentUser, useSignOut } from '../session/session-api.ts';
import { LanguageSelect } from './language-select.tsx';

export function UserMenu() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const signOut = useSignOut();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    function onPointer(event: PointerEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    }
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    }
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="visually-hidden">{t('userMenu.label')}: </span>
        {me.name}
        <span aria-hidden="true" className="chevron">
          ▾
        </span>
      </button>
      <div id={panelId} className="user-menu-panel" hidden={!open}>
        <p className="user-menu-identity">
          <span className="muted">{t('userMenu.signedInAs')}</span>
          <br />
          <span className="break">{me.email}</span>
        </p>
        <LanguageSelect />
        <Link to="/settings" className="menu-link" onClick={() => setOpen(false)}>
          {t('nav.settings')}
        </Link>
        <button
          type="button"
          className="button secondary full"
          disabled={signOut.isPending}
          onClick={() =>
            signOut.mutate(undefined, {
              onSettled: () => {
                forgetSession(queryClient);
                navigate('/sign-in', { replace: true });
              },
            })
          }
        >
          {t('userMenu.signOut')}
        </button>
      </div>
    </div>
  );
}
