// The analyst workspace's routes (nested under /analyst), each behind its role guard; the report and sensitivity pages (echarts) load on demand.
import { lazy, Suspense, type ReactNode } from 'react';
import { Route, Switch } from 'wouter';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../api/client.js';
import { Guard } from '../../components/Guard.js';
import { DossiersPage } from './DossiersPage.js';
import './analyst.css';

const DossierFormPage = lazy(() => import('./DossierFormPage.js').then((m) => ({ default: m.DossierFormPage })));
const ReportPage = lazy(() => import('./ReportPage.js').then((m) => ({ default: m.ReportPage })));
const RescorePage = lazy(() => import('./RescorePage.js').then((m) => ({ default: m.RescorePage })));
const SensitivityPage = lazy(() => import('./SensitivityPage.js').then((m) => ({ default: m.SensitivityPage })));
const CohortPage = lazy(() => import('./CohortPage.js').then((m) => ({ default: m.CohortPage })));

/** Path (under /analyst), least role, and what to render with the path's parameters. */
const ROUTES: { path: string; role: Role; render(p: Record<string, string>): ReactNode }[] = [
  { path: '/dossiers', role: 'viewer', render: () => <DossiersPage /> },
  { path: '/dossiers/new', role: 'analyst', render: () => <DossierFormPage key="new" id={null} /> },
  { path: '/dossiers/:id/edit', role: 'analyst', render: (p) => <DossierFormPage key={p.id} id={decodeURIComponent(p.id)} /> },
  { path: '/report/:id', role: 'viewer', render: (p) => <ReportPage key={p.id} dossierId={decodeURIComponent(p.id)} /> },
  { path: '/compare', role: 'analyst', render: () => <RescorePage /> },
  { path: '/sensitivity', role: 'analyst', render: () => <SensitivityPage /> },
  { path: '/cohort', role: 'analyst', render: () => <CohortPage /> },
];

/** Pages under /analyst (mounted with <Route path="/analyst" nest>). */
export function AnalystRoutes() {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<p className="page-pad muted">{t('common.loading')}</p>}>
      <Switch>
        {ROUTES.map((r) => (
          <Route key={r.path} path={r.path}>
            {(p: Record<string, string>) => <Guard role={r.role}>{r.render(p)}</Guard>}
          </Route>
        ))}
        <Route>{() => <p className="page-pad">{t('common.notFound')}</p>}</Route>
      </Switch>
    </Suspense>
  );
}
