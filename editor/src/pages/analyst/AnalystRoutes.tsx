// The analyst workspace's routes (nested under /analyst) and its navigation entries; the app shell mounts both.
import { Route, Switch } from 'wouter';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../api/client.js';
import { DossiersPage } from './DossiersPage.js';
import { DossierFormPage } from './DossierFormPage.js';
import { ReportPage } from './ReportPage.js';
import { RescorePage } from './RescorePage.js';
import { SensitivityPage } from './SensitivityPage.js';
import { CohortPage } from './CohortPage.js';
import './analyst.css';

/** Navigation entries of the 分析 Analyst group. */
export const ANALYST_NAV: { key: string; href: string; role: Role; match: (p: string) => boolean }[] = [
  { key: 'analyst.nav.dossiers', href: '/analyst/dossiers', role: 'viewer', match: (p) => p.startsWith('/analyst/dossiers') || p.startsWith('/analyst/report') },
  { key: 'analyst.nav.compare', href: '/analyst/compare', role: 'analyst', match: (p) => p.startsWith('/analyst/compare') },
  { key: 'analyst.nav.sensitivity', href: '/analyst/sensitivity', role: 'analyst', match: (p) => p.startsWith('/analyst/sensitivity') },
  { key: 'analyst.nav.cohort', href: '/analyst/cohort', role: 'analyst', match: (p) => p.startsWith('/analyst/cohort') },
];

/** Pages under /analyst (mounted with <Route path="/analyst" nest>). */
export function AnalystRoutes() {
  const { t } = useTranslation();
  return (
    <Switch>
      <Route path="/dossiers">{() => <DossiersPage />}</Route>
      <Route path="/dossiers/new">{() => <DossierFormPage key="new" id={null} />}</Route>
      <Route path="/dossiers/:id/edit">{(p) => <DossierFormPage key={p.id} id={decodeURIComponent(p.id)} />}</Route>
      <Route path="/report/:id">{(p) => <ReportPage key={p.id} dossierId={decodeURIComponent(p.id)} />}</Route>
      <Route path="/compare">{() => <RescorePage />}</Route>
      <Route path="/sensitivity">{() => <SensitivityPage />}</Route>
      <Route path="/cohort">{() => <CohortPage />}</Route>
      <Route>{() => <p className="page-pad">{t('common.notFound')}</p>}</Route>
    </Switch>
  );
}
