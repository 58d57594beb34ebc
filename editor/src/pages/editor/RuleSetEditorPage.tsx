// The rule-set editor: a draft (editable, autosaved) or a published version (read-only), in section tabs or JSON, with clause text, problems and live preview beside it.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { RuleSet, type Issue } from '../../../../engine/index.js';
import { useApi, useAuth } from '../../auth/useAuth.js';
import { useRuleSetDocument } from '../../hooks/useRuleSetDocument.js';
import { useChecks } from '../../hooks/useChecks.js';
import { useClauses } from '../../hooks/useClauses.js';
import { usePreview } from '../../hooks/usePreview.js';
import { usePolicyNotes } from '../../hooks/usePolicyNotes.js';
import { parameterWords } from '../../model/labels.js';
import { getAt, type JsonPath } from '../../model/ruleSetOps.js';
import { SECTIONS, sectionOf, within, type SectionId } from '../../model/locate.js';
import { EditorContext, type EditorState, type Selection } from './editorContext.js';
import { ConflictBanner, MergeNotice } from './ConflictBanner.js';
import './editor.css';
import { ParametersSection } from '../../sections/ParametersSection.js';
import { IndicatorsSection } from '../../sections/IndicatorsSection.js';
import { BonusSection } from '../../sections/BonusSection.js';
import { ConditionsSection } from '../../sections/ConditionsSection.js';
import { InterpretationsSection } from '../../sections/InterpretationsSection.js';
import { OutcomeSection } from '../../sections/OutcomeSection.js';
import { ClausePanel } from '../../panels/ClausePanel.js';
import { ProblemsPanel } from '../../panels/ProblemsPanel.js';
import { PreviewPanel } from '../../panels/PreviewPanel.js';
import { PublishDialog } from '../../panels/PublishDialog.js';
import { ReviewPanel } from '../../panels/ReviewPanel.js';
import { useSettings } from '../../hooks/useSettings.js';
import { pick } from '../../i18n/i18n.js';
import { ErrorBoundary } from '../../components/ErrorBoundary.js';

const LazyJsonSection = lazy(() => import('../../sections/JsonSection.js').then((m) => ({ default: m.JsonSection })));
/** Monaco (several MB) loads only when the JSON tab opens, so the form sections are usable first. */
function JsonSection() {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
      <LazyJsonSection />
    </Suspense>
  );
}

const VIEWS: Record<SectionId, () => React.JSX.Element | null> = {
  parameters: ParametersSection,
  indicators: IndicatorsSection,
  bonus: BonusSection,
  conditions: ConditionsSection,
  interpretations: InterpretationsSection,
  outcome: OutcomeSection,
  json: JsonSection,
};

export function RuleSetEditorPage(props: { draftId: string } | { ruleSetId: string; version: number }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { can } = useAuth();
  const [location, navigate] = useLocation();
  const search = useSearch();
  const source = useMemo(() => props, ['draftId' in props ? props.draftId : `${props.ruleSetId}@${props.version}`]); // eslint-disable-line react-hooks/exhaustive-deps
  const doc = useRuleSetDocument(api, source);
  const policy = (doc.value as { policy?: string } | undefined)?.policy;
  const clauses = useClauses(api, typeof policy === 'string' ? policy : undefined);
  const checks = useChecks(doc.value, doc.syntaxError, clauses.ids);
  // The forms render the document as it is now (parsed at once); only the checks and the compile are debounced.
  const rs = useMemo(() => {
    const r = RuleSet.safeParse(doc.value);
    return r.success ? r.data : null;
  }, [doc.value]);
  const notes = usePolicyNotes(api, typeof policy === 'string' ? policy : undefined);
  const words = useMemo(() => (rs ? parameterWords(rs, notes, i18n.language, { yes: t('common.yes'), no: t('common.no') }) : null), [rs, notes, i18n.language, t]);
  const readOnly = doc.readOnly || !can('editor');
  const reviewRequired = useSettings(api).publishReview === 'required';
  const preview = usePreview(api, checks.compiled, doc.basedOn);
  // The open section is part of the address (?tab=bonus), so a reload or a shared link opens the same place.
  const tabParam = new URLSearchParams(search).get('tab');
  const tab: SectionId = SECTIONS.includes(tabParam as SectionId) ? (tabParam as SectionId) : 'parameters';
  const setTab = (s: SectionId) => {
    const p = new URLSearchParams(search);
    p.set('tab', s);
    navigate(`${location}?${p.toString()}`, { replace: true });
  };
  const [selection, setSelection] = useState<Selection | null>(null);
  // The section tabs follow the ARIA tabs pattern: Tab reaches the open one, arrows, Home and End move and open.
  const onTabKey = (e: React.KeyboardEvent) => {
    const i = SECTIONS.indexOf(tab);
    const to = e.key === 'ArrowRight' ? (i + 1) % SECTIONS.length : e.key === 'ArrowLeft' ? (i - 1 + SECTIONS.length) % SECTIONS.length : e.key === 'Home' ? 0 : e.key === 'End' ? SECTIONS.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    setTab(SECTIONS[to]);
    setSelection(null);
    requestAnimationFrame(() => document.getElementById(`tab-${SECTIONS[to]}`)?.focus());
  };
  const [focus, setFocus] = useState<EditorState['focus']>(null);
  const [publishing, setPublishing] = useState(false);

  const issuesAt = useCallback((path: JsonPath) => checks.issues.filter((i) => within(i.path, path)), [checks.issues]);

  const jump = (issue: Issue, where: 'visual' | 'json') => {
    const loc = sectionOf(doc.value, issue.path);
    if (where === 'json' || loc.section === 'json' || !rs) {
      setTab('json');
      setFocus({ path: issue.path, nonce: Date.now() });
      return;
    }
    setTab(loc.section);
    const cites = (getAt(rs, [...loc.item, 'cites']) as string[] | undefined) ?? [];
    setSelection({ path: loc.item, cites });
    setFocus({ path: loc.item, nonce: Date.now() });
  };

  // After a jump into a visual view, bring the item into sight and flash it.
  useEffect(() => {
    if (!focus || tab === 'json') return;
    const id = requestAnimationFrame(() => {
      const el = document.querySelector(`[data-path="${focus.path.join('.')}"]`);
      if (el) {
        el.scrollIntoView({ block: 'center' });
        el.classList.add('flash');
        setTimeout(() => el.classList.remove('flash'), 1200);
      }
    });
    return () => cancelAnimationFrame(id);
  }, [focus, tab]);

  // Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) outside Monaco step through the draft's history; inside Monaco its own undo stack answers,
  // and fields that are not part of the document (search, dialogs) keep the browser's own undo.
  const history = useRef({ undo: doc.undo, redo: doc.redo, on: doc.kind === 'draft' && !readOnly });
  history.current = { undo: doc.undo, redo: doc.redo, on: doc.kind === 'draft' && !readOnly };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || !history.current.on) return;
      const k = e.key.toLowerCase();
      if (k !== 'z' && k !== 'y') return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest('.monaco-editor, [data-native-undo], [role="dialog"]')) return;
      e.preventDefault();
      if (k === 'y' || e.shiftKey) history.current.redo();
      else history.current.undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Leaving with unsaved edits: the browser asks first (the local backup keeps them anyway).
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (doc.saveState !== 'saved') e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [doc.saveState]);

  if (doc.loading) return <p className="page-pad">{t('common.loading')}</p>;
  if (doc.loadError) return <p className="page-pad field-error">{doc.loadError}</p>;

  const state: EditorState = { doc, checks, rs, base: preview.baseRuleSet, readOnly, selection, select: setSelection, issuesAt, focus, words };
  const errors = checks.issues.filter((i) => i.severity !== 'warning').length;
  const View = VIEWS[tab];
  const title = pick(rs?.title ?? doc.draft?.document.title ?? doc.version?.document.title, i18n.language) || doc.ref;
  const baseLabel = doc.basedOn ? t('preview.base', { ref: `${doc.basedOn.id}@${doc.basedOn.version}` }) : null;
  const currentLabel = doc.kind === 'draft' ? t('preview.draft') : t('preview.thisVersion');

  return (
    <EditorContext.Provider value={state}>
      <div className="editor-page">
        <header className="page-head">
          <div>
            <h1>
              {title}{' '}
              <span className={`status-tag ${doc.kind}`} data-testid="doc-status">
                {doc.kind === 'draft' ? t('editor.draft', { id: doc.ref }) : t('editor.published', { ref: doc.ref })}
              </span>
            </h1>
            <p className="muted small">
              {[
                doc.basedOn && t('editor.basedOn', { ref: `${doc.basedOn.id}@${doc.basedOn.version}` }),
                doc.draft && t('editor.lastSaved', { who: doc.draft.updatedBy, revision: doc.draft.revision }),
                doc.version && t('editor.publishedBy', { who: doc.version.author, at: doc.version.publishedAt.slice(0, 10) }),
                readOnly && t('editor.readOnly'),
              ]
                .filter(Boolean)
                .join(' · ')}
            </p>
          </div>
          <div className="head-actions">
            {doc.kind === 'draft' && !readOnly && (
              <>
                <button type="button" onClick={doc.undo} disabled={!doc.canUndo} title={t('editor.undo')} data-testid="undo">
                  ↶ {t('editor.undo')}
                </button>
                <button type="button" onClick={doc.redo} disabled={!doc.canRedo} title={t('editor.redo')} data-testid="redo">
                  ↷ {t('editor.redo')}
                </button>
              </>
            )}
            {doc.kind === 'draft' && (
              <span className={`save-state ${doc.saveState}`} data-testid="save-state" data-state={doc.saveState} role="status">
                {t(`save.${doc.saveState}`)}
              </span>
            )}
            <Link href={`/compare?ruleSet=${encodeURIComponent(doc.ruleSetId)}&from=${doc.basedOn?.version ?? ''}&to=${encodeURIComponent(doc.kind === 'draft' ? doc.ref : String(doc.version?.version ?? ''))}`} className="button">
              {t('editor.compare')}
            </Link>
            {doc.kind === 'version' && can('editor') && doc.version && (
              <button
                type="button"
                onClick={async () => {
                  const d = await api.createDraft(doc.version!.ruleSetId, doc.version!.version);
                  navigate(`/drafts/${d.id}`);
                }}
              >
                {t('library.newDraft')}
              </button>
            )}
            {doc.kind === 'draft' && can('editor') && (
              <button type="button" className="primary" onClick={() => setPublishing(true)} data-testid="publish-open">
                {t('publish.open')}
              </button>
            )}
          </div>
        </header>
        {doc.restoredBackup && <div className="banner info">{t('editor.restored')}</div>}
        {doc.remoteUpdate && (
          <div className="banner info" role="status" data-testid="remote-update">
            {t('editor.remoteUpdate', { who: doc.remoteUpdate.by, revision: doc.remoteUpdate.revision })}
          </div>
        )}
        {doc.saveState === 'error' && doc.saveError && (
          <div className="banner error" role="alert">
            {t('save.failed')}: {doc.saveError}
          </div>
        )}
        {doc.kind === 'draft' && <ReviewPanel doc={doc} reviewRequired={reviewRequired} />}
        <ConflictBanner doc={doc} />
        <MergeNotice doc={doc} />
        <div className="editor-body">
          <div className="editor-main">
            <nav className="tabs" role="tablist" aria-label={t('editor.sections')} onKeyDown={onTabKey}>
              {SECTIONS.map((s) => (
                <button
                  key={s}
                  type="button"
                  role="tab"
                  id={`tab-${s}`}
                  aria-selected={tab === s}
                  aria-controls="tab-panel"
                  tabIndex={tab === s ? 0 : -1}
                  className={tab === s ? 'active' : ''}
                  onClick={() => {
                    setTab(s);
                    setSelection(null);
                  }}
                  data-testid={`tab-${s}`}
                >
                  {t(`tabs.${s}`)}
                  {issueCount(checks.issues, doc.value, s) > 0 && <span className="dot" />}
                </button>
              ))}
            </nav>
            <div className="tab-body" role="tabpanel" id="tab-panel" aria-labelledby={`tab-${tab}`}>
              {tab !== 'json' && !rs ? (
                <div className="banner error">
                  {t('editor.schemaBroken')}{' '}
                  <button type="button" className="link" onClick={() => setTab('json')}>
                    {t('editor.openJson')}
                  </button>
                </div>
              ) : (
                <ErrorBoundary
                  resetKey={tab}
                  fallback={(e) => (
                    <div className="banner error" role="alert">
                      {t('editor.viewFailed', { message: e.message })}{' '}
                      <button type="button" className="link" onClick={() => setTab('json')}>
                        {t('editor.openJson')}
                      </button>
                    </div>
                  )}
                >
                  <View />
                </ErrorBoundary>
              )}
            </div>
          </div>
          <aside className="editor-side">
            <ClausePanel clauses={clauses.byId} />
            <ProblemsPanel issues={checks.issues} onJump={jump} />
            <PreviewPanel paused={!checks.compiled && checks.issues.some((i) => i.severity !== 'warning')} explain={preview.explain} version={checks.compiled} rows={preview.rows} ms={preview.ms} dossiers={preview.dossiers} selected={preview.selected} toggle={preview.toggle} error={preview.error} compileMs={checks.ms} baseLabel={baseLabel} currentLabel={currentLabel} />
          </aside>
        </div>
        {publishing && (
          <PublishDialog
            doc={doc}
            errors={errors}
            reviewRequired={reviewRequired}
            onClose={() => setPublishing(false)}
            onPublished={(v) => {
              localStorage.removeItem(`mingcheng.backup.${doc.ref}`);
              navigate(`/rulesets/${v.ruleSetId}/versions/${v.version}?published=1`);
            }}
          />
        )}
      </div>
    </EditorContext.Provider>
  );
}

function issueCount(issues: Issue[], value: unknown, s: SectionId): number {
  return issues.filter((i) => i.code !== 'json_syntax' && sectionOf(value, i.path).section === s).length;
}
