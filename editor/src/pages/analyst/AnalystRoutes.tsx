// The analyst workspace's routes (nested under /analyst), each behind its role guard; the report and sensitivity pages (echarts) load on demand.
import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { useTranslation } from 'react-i18next';
import { Guard } from '../../components/Guard.js';
import { DossiersPage } from './DossiersPage.js';
import './analyst.css';

const DossierFormPage = lazy(() => import('./DossierFormPage.js').then((m) => ({ default: m.DossierFormPage })));
const ReportPage = lazy(() => import('./ReportPage.js').then((m) => ({ default: m.ReportPage })));
const RescorePage = lazy(() => import('./RescorePage.js').then((m) => ({ default: m.RescorePage })));
const SensitivityPage = lazy(() => import('./SensitivityPage.js').then((m) => ({ default: m.SensitivityPage })));
const CohortPage = lazy(() => import('./CohortPage.js').then((m) => ({ default: m.CohortPage })));

/** Pages under /analyst (mounted with <Route path="/analyst" nest>). */
export function AnalystRoutes() {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<p className="page-pad muted">{t('common.loading')}</p>}>
      <Switch>
        <Route path="/dossiers">{() => <DossiersPage />}</Route>
        <Route path="/dossiers/new">
          {() => (
            <Guard role="analyst">
              <DossierFormPage key="new" id={null} />
            </Guard>
          )}
        </Route>
        <Route path="/dossiers/:id/edit">
          {(p) => (
            <Guard role="analyst">
              <DossierFormPage key={p.id} id={decodeURIComponent(p.id)} />
            </Guard>
          )}
        </Route>
        <Route path="/report/:id">{(p) => <ReportPage key={p.id} dossierId={decodeURIComponent(p.id)} />}</Route>
        <Route path="/compare">
          {() => (
            <Guard role="analyst">
              <RescorePage />
            </Guard>
          )}
        </Route>
        <Route path="/sensitivity">
          {() => (
            <Guard role="analyst">
              <SensitivityPage />
            </Guard>
          )}
        </Route>
        <Route path="/cohort">
          {() => (
            <Guard role="analyst">
              <CohortPage />
            </Guard>
          )}
        </Route>
        <Route>{() => <p className="page-pad">{t('common.notFound')}</p>}</Route>
      </Switch>
    </Suspense>
  );
}
