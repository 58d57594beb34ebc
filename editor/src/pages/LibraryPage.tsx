// The library: every rule set and its versions as a timeline (status, effective dates, based on, author, changelog), with open read-only and start-a-draft actions.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { useApi, useAuth } from '../auth/useAuth.js';
import type { DraftSummary, RuleSetSummary, VersionSummary } from '../api/client.js';
import { pick } from '../i18n/i18n.js';

function Timeline({ ruleSet }: { ruleSet: RuleSetSummary }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { can } = useAuth();
  const [, navigate] = useLocation();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [drafts, setDrafts] = useState<DraftSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.versions(ruleSet.id).then(setVersions, (e) => setError(e.message));
    api.drafts().then((ds) => setDrafts(ds.filter((d) => d.ruleSetId === ruleSet.id)), () => undefined);
  }, [api, ruleSet.id]);
  const start = async (v: number) => {
    try {
      const d = await api.createDraft(ruleSet.id, v);
      navigate(`/drafts/${d.id}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="card" data-testid={`ruleset-${ruleSet.id}`}>
      <header className="card-head">
        <div>
          <h2>{pick(ruleSet.title, i18n.language)}</h2>
          <code className="id">{ruleSet.id}</code>
        </div>
      </header>
      {error && <p className="field-error">{error}</p>}
      <ol className="timeline">
        {drafts.map((d) => (
          <li key={d.id} className="tl-item draft" data-testid={`draft-${d.id}`}>
            <div className="tl-dot" />
            <div className="tl-body">
              <div className="tl-title">
                <span className="status-tag draft">{t('library.draft')}</span> <strong>{d.id}</strong>
                <span className="muted small"> · {t('library.basedOn', { ref: `${d.basedOn.id}@${d.basedOn.version}` })} · {t('library.revision', { n: d.revision })} · {d.updatedBy}</span>
              </div>
              <div className="tl-actions">
                <Link href={`/drafts/${d.id}`} className="button">
                  {can('editor') ? t('library.continue') : t('library.open')}
                </Link>
              </div>
            </div>
          </li>
        ))}
        {(versions ?? [])
          .slice()
          .reverse()
          .map((v) => (
            <li key={v.version} className="tl-item" data-testid={`version-${v.ruleSetId}-${v.version}`}>
              <div className="tl-dot" />
              <div className="tl-body">
                <div className="tl-title">
                  <span className="status-tag version">{t('library.published')}</span> <strong>{v.ref}</strong>
                  <span className="muted small">
                    {' '}
                    · {t('library.effective', { from: v.effectiveFrom, to: v.effectiveTo ?? t('library.open') })} · {v.basedOn ? t('library.basedOn', { ref: `${v.basedOn.id}@${v.basedOn.version}` }) : t('library.original')} · {v.author} · {v.publishedAt.slice(0, 10)}
                  </span>
                </div>
                {v.changelog && <p className="tl-note">{pick(v.changelog.note, i18n.language)}</p>}
                {drafts.some((d) => d.basedOn.version === v.version) && (
                  <p className="muted small">
                    {t('library.draftsFromThis', { ids: drafts.filter((d) => d.basedOn.version === v.version).map((d) => d.id).join('、') })}
                  </p>
                )}
                <div className="tl-actions">
                  <Link href={`/rulesets/${v.ruleSetId}/versions/${v.version}`} className="button">
                    {t('library.openReadOnly')}
                  </Link>
                  {v.basedOn && v.basedOn.id === v.ruleSetId && (
                    <Link href={`/compare?ruleSet=${encodeURIComponent(v.ruleSetId)}&from=${v.basedOn.version}&to=${v.version}`} className="button" data-testid={`compare-${v.ruleSetId}-${v.version}`}>
                      {t('library.compareWithBase', { ref: `${v.basedOn.id}@${v.basedOn.version}` })}
                    </Link>
                  )}
                  {can('editor') && (
                    <button type="button" onClick={() => void start(v.version)} data-testid={`new-draft-${v.ruleSetId}-${v.version}`}>
                      {t('library.newDraft')}
                    </button>
                  )}
                </div>
              </div>
            </li>
          ))}
      </ol>
      {versions === null && <p className="muted">{t('common.loading')}</p>}
    </div>
  );
}

export function LibraryPage() {
  const { t } = useTranslation();
  const api = useApi();
  const [sets, setSets] = useState<RuleSetSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.ruleSets().then(setSets, (e) => setError(e.message));
  }, [api]);
  return (
    <div className="page-pad">
      <h1>{t('nav.library')}</h1>
      <p className="hint">{t('library.hint')}</p>
      {error && <p className="field-error">{error}</p>}
      {sets === null ? <p className="muted">{t('common.loading')}</p> : sets.map((s) => <Timeline key={s.id} ruleSet={s} />)}
    </div>
  );
}
