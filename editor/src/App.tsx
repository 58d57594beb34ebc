// The app shell: sign-in gate, left navigation, language switch and the router. Add a page: a component under pages/, a <Route> below and a NAV entry.
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation, useSearch } from 'wouter';
import { useAuth } from './auth/useAuth.js';
import { setLanguage, type Language } from './i18n/i18n.js';
import type { Role } from './api/client.js';
import { SignInPage } from './pages/SignInPage.js';
import { LibraryPage } from './pages/LibraryPage.js';
import { DraftsPage } from './pages/DraftsPage.js';
import { ComparePage } from './pages/ComparePage.js';
import { RuleSetEditorPage } from './pages/editor/RuleSetEditorPage.js';
import { ANALYST_NAV, AnalystRoutes } from './pages/analyst/AnalystRoutes.js';

/** Left navigation: label key, path, least role. Analyst pages go here too (role 'analyst'). */
const NAV: { key: string; href: string; role: Role; match: (p: string) => boolean }[] = [
  { key: 'nav.library', href: '/', role: 'viewer', match: (p) => p === '/' || p.startsWith('/rulesets') },
  { key: 'nav.drafts', href: '/drafts', role: 'viewer', match: (p) => p.startsWith('/drafts') },
  { key: 'nav.compare', href: '/compare', role: 'viewer', match: (p) => p.startsWith('/compare') },
];

function PublishedBanner() {
  const { t } = useTranslation();
  const search = useSearch();
  if (!new URLSearchParams(search).has('published')) return null;
  return (
    <div className="banner success" role="status" data-testid="published-banner">
      {t('publish.done')}
    </div>
  );
}

export function App() {
  const { t, i18n } = useTranslation();
  const { me, checking, signOut, can } = useAuth();
  const [path] = useLocation();
  if (checking) return <p className="page-pad">{t('common.loading')}</p>;
  const langSwitch = (
    <select className="lang" aria-label={t('app.language')} value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)} data-testid="lang-switch">
      <option value="zh-CN">中文</option>
      <option value="en">English</option>
    </select>
  );
  if (!me)
    return (
      <>
        <div className="top-right">{langSwitch}</div>
        <SignInPage />
      </>
    );
  return (
    <div className="shell">
      <nav className="side-nav" aria-label={t('nav.label')}>
        <div className="brand">
          <span className="brand-mark">名</span>
          <span>{t('app.name')}</span>
        </div>
        <ul>
          {NAV.filter((n) => can(n.role)).map((n) => (
            <li key={n.href}>
              <Link href={n.href} className={n.match(path) ? 'active' : ''} data-testid={`nav-${n.href.replace('/', '') || 'library'}`}>
                {t(n.key)}
              </Link>
            </li>
          ))}
          <li className="nav-slot muted small">{t('analyst.nav.group')}</li>
          {ANALYST_NAV.filter((n) => can(n.role)).map((n) => (
            <li key={n.href}>
              <Link href={n.href} className={n.match(path) ? 'active' : ''} data-testid={`nav-${n.href.slice(1).replace('/', '-')}`}>
                {t(n.key)}
              </Link>
            </li>
          ))}
        </ul>
        <div className="nav-foot">
          {langSwitch}
          <div className="who small">
            {me.name} · {t(`roles.${me.role}`)}
          </div>
          <button type="button" className="link small" onClick={signOut}>
            {t('signin.signOut')}
          </button>
        </div>
      </nav>
      <main className="main">
        <Switch>
          <Route path="/">{() => <LibraryPage />}</Route>
          <Route path="/drafts">{() => <DraftsPage />}</Route>
          <Route path="/drafts/:id">{(p) => <RuleSetEditorPage key={p.id} draftId={p.id} />}</Route>
          <Route path="/rulesets/:id/versions/:version">
            {(p) => (
              <>
                <PublishedBanner />
                <RuleSetEditorPage key={`${p.id}@${p.version}`} ruleSetId={p.id} version={Number(p.version)} />
              </>
            )}
          </Route>
          <Route path="/compare">{() => <ComparePage />}</Route>
          <Route path="/analyst" nest>
            <AnalystRoutes />
          </Route>
          <Route>{() => <p className="page-pad">{t('common.notFound')}</p>}</Route>
        </Switch>
      </main>
    </div>
  );
}
