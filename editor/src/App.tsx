// The app shell: sign-in gate, left navigation (icons only below 1100 px), language switch and the router; pages other than the library and drafts load on demand, so sign-in needs neither Monaco nor echarts. Add a page: a component under pages/, a <Route> below and a NAV entry.
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation, useSearch } from 'wouter';
import { useAuth } from './auth/useAuth.js';
import { setLanguage, type Language } from './i18n/i18n.js';
import type { Role } from './api/client.js';
import { SignInPage } from './pages/SignInPage.js';
import { LibraryPage } from './pages/LibraryPage.js';
import { DraftsPage } from './pages/DraftsPage.js';
import { Guard } from './components/Guard.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import './shell.css';

const RuleSetEditorPage = lazy(() => import('./pages/editor/RuleSetEditorPage.js').then((m) => ({ default: m.RuleSetEditorPage })));
const ComparePage = lazy(() => import('./pages/ComparePage.js').then((m) => ({ default: m.ComparePage })));
const AnalystRoutes = lazy(() => import('./pages/analyst/AnalystRoutes.js').then((m) => ({ default: m.AnalystRoutes })));
const TokensPage = lazy(() => import('./pages/admin/TokensPage.js').then((m) => ({ default: m.TokensPage })));
const AuditPage = lazy(() => import('./pages/admin/AuditPage.js').then((m) => ({ default: m.AuditPage })));

interface NavEntry {
  key: string;
  href: string;
  role: Role;
  /** One character shown when the navigation is narrow. */
  icon: string;
  testId: string;
  match: (p: string) => boolean;
}

/** Left navigation in groups: label key, path, least role (entries a role may not use are not shown). */
const NAV: { group: string | null; entries: NavEntry[] }[] = [
  {
    group: null,
    entries: [
      { key: 'nav.library', href: '/', role: 'viewer', icon: '库', testId: 'nav-library', match: (p) => p === '/' || p.startsWith('/rulesets') },
      { key: 'nav.drafts', href: '/drafts', role: 'viewer', icon: '稿', testId: 'nav-drafts', match: (p) => p.startsWith('/drafts') },
      { key: 'nav.compare', href: '/compare', role: 'viewer', icon: '比', testId: 'nav-compare', match: (p) => p.startsWith('/compare') },
    ],
  },
  {
    group: 'analyst.nav.group',
    entries: [
      { key: 'analyst.nav.dossiers', href: '/analyst/dossiers', role: 'viewer', icon: '档', testId: 'nav-analyst-dossiers', match: (p) => p.startsWith('/analyst/dossiers') || p.startsWith('/analyst/report') },
      { key: 'analyst.nav.compare', href: '/analyst/compare', role: 'analyst', icon: '评', testId: 'nav-analyst-compare', match: (p) => p.startsWith('/analyst/compare') },
      { key: 'analyst.nav.sensitivity', href: '/analyst/sensitivity', role: 'analyst', icon: '敏', testId: 'nav-analyst-sensitivity', match: (p) => p.startsWith('/analyst/sensitivity') },
      { key: 'analyst.nav.cohort', href: '/analyst/cohort', role: 'analyst', icon: '队', testId: 'nav-analyst-cohort', match: (p) => p.startsWith('/analyst/cohort') },
    ],
  },
  {
    group: 'admin.nav.group',
    entries: [
      { key: 'admin.nav.tokens', href: '/admin/tokens', role: 'admin', icon: '钥', testId: 'nav-admin-tokens', match: (p) => p.startsWith('/admin/tokens') },
      { key: 'admin.nav.audit', href: '/admin/audit', role: 'admin', icon: '审', testId: 'nav-admin-audit', match: (p) => p.startsWith('/admin/audit') },
    ],
  },
];

/** The pages loaded on demand: path, least role, what to render with the path's parameters. */
const ROUTES: { path: string; role: Role; render(p: Record<string, string>): ReactNode }[] = [
  { path: '/drafts/:id', role: 'viewer', render: (p) => <RuleSetEditorPage key={p.id} draftId={p.id} /> },
  {
    path: '/rulesets/:id/versions/:version',
    role: 'viewer',
    render: (p) => (
      <>
        <PublishedBanner />
        <RuleSetEditorPage key={`${p.id}@${p.version}`} ruleSetId={p.id} version={Number(p.version)} />
      </>
    ),
  },
  { path: '/compare', role: 'viewer', render: () => <ComparePage /> },
  { path: '/admin/tokens', role: 'admin', render: () => <TokensPage /> },
  { path: '/admin/audit', role: 'admin', render: () => <AuditPage /> },
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

/** A page loaded on demand, behind its role guard; a rendering bug shows a message instead of a blank page. */
function Page({ role, children }: { role: Role; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Guard role={role}>
      <ErrorBoundary fallback={(e) => <p className="page-pad field-error" role="alert">{t('common.pageFailed', { message: e.message })}</p>}>
        <Suspense fallback={<p className="page-pad muted">{t('common.loading')}</p>}>{children}</Suspense>
      </ErrorBoundary>
    </Guard>
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
          <span className="nav-text">{t('app.name')}</span>
        </div>
        <ul>
          {NAV.map(({ group, entries }) => {
            const shown = entries.filter((n) => can(n.role));
            if (!shown.length) return null;
            return [
              group && (
                <li key={group} className="nav-slot muted small">
                  <span className="nav-text">{t(group)}</span>
                </li>
              ),
              ...shown.map((n) => (
                <li key={n.href}>
                  <Link href={n.href} className={n.match(path) ? 'active' : ''} data-testid={n.testId} title={t(n.key)}>
                    <span className="nav-icon" aria-hidden>
                      {n.icon}
                    </span>
                    <span className="nav-text">{t(n.key)}</span>
                  </Link>
                </li>
              )),
            ];
          })}
        </ul>
        <div className="nav-foot">
          {langSwitch}
          <div className="who small nav-text">
            <span className="user-name">{me.name}</span> · {t(`roles.${me.role}`)}
          </div>
          <button type="button" className="link small" onClick={signOut} data-testid="sign-out" title={t('signin.signOut')}>
            <span className="nav-icon" aria-hidden>
              退
            </span>
            <span className="nav-text">{t('signin.signOut')}</span>
          </button>
        </div>
      </nav>
      <main className="main">
        <Switch>
          <Route path="/">{() => <LibraryPage />}</Route>
          <Route path="/drafts">{() => <DraftsPage />}</Route>
          {ROUTES.map((r) => (
            <Route key={r.path} path={r.path}>
              {(p: Record<string, string>) => <Page role={r.role}>{r.render(p)}</Page>}
            </Route>
          ))}
          <Route path="/analyst" nest>
            <Page role="viewer">
              <AnalystRoutes />
            </Page>
          </Route>
          <Route>{() => <p className="page-pad">{t('common.notFound')}</p>}</Route>
        </Switch>
      </main>
    </div>
  );
}
