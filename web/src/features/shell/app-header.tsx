/** Product name, the navigation the user's roles allow, and the user menu. */
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { mayOpen, PAGES } from '../../app/pages.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { UserMenu } from './user-menu.tsx';

export function AppHeader() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const pages = PAGES.filter((p) => p.navLabel && mayOpen(p, me.roles));
  return (
    <header className="app-header">
      <div className="header-inner">
        <Link to="/" className="product-name">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.label')} className="main-nav">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <NavLink to={p.path}>{p.navLabel ? t(p.navLabel) : null}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <UserMenu />
      </div>
    </header>
  );
}
