// The library: every rule set and its versions as a timeline (status, the period each was or is in force, based on, author, changelog), with open read-only and start-a-draft actions.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { useApi, useAuth } from '../auth/useAuth.js';
import type { DraftSummary, RuleSetSummary, VersionSummary } from '../api/client.js';
import { pick } from '../i18n/i18n.js';
import '../panels/review.css';

/** Today as an ISO day in the local calendar. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The version in force on a day: the latest start not after it whose period has not ended (the server's rule). */
function inForceOn(versions: VersionSummary[], day: string): number | null {
  const v = versions
    .filter((x) => x.effectiveFrom <= day && (x.effectiveTo === null || x.effectiveTo >= day))
    .sort((a, b) => (a.effectiveFrom === b.effectiveFrom ? b.version - a.version : a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  return v ? v.version : null;
}

/** A version's period in words: from – to, why it ended, or that it never took effect. */
function Period({ v, current }: { v: VersionSummary; current: boolean }) {
  const { t } = useTranslation();
  const never = v.effectiveTo !== null && v.effectiveTo < v.effectiveFrom;
  return (
    <span className={`period ${current ? 'current' : ''}`} data-testid={`period-${v.ruleSetId}-${v.version}`}>
      {never ? t('library.neverInForce', { n: v.closedBy?.version }) : t('library.effective', { from: v.effectiveFrom, to: v.effectiveTo ?? t('library.open') })}
      {!never && v.closedBy && <span className="muted"> {t('library.closedBy', { n: v.closedBy.version })}</span>}
      {current && <span className="badge ok">{t('library.inForce')}</span>}
      {!current && v.effectiveFrom > today() && <span className="badge warn">{t('library.upcoming')}</span>}
    </span>
  );
}

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
  const current = versions ? inForceOn(versions, today()) : null;
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
                <span className="muted small"> · {t('library.basedOn', { ref: `${d.basedOn.id}@${d.basedOn.version}` })} · {t('library.revision', { n: d.revision })} · {d.updatedBy}</span>{' '}
                <span className={`review-tag ${d.review.status === 'approved' && d.review.revision !== d.revision ? 'none' : d.review.status}`} data-testid={`draft-review-${d.id}`}>
                  {t(`review.status.${d.review.status === 'approved' && d.review.revision !== d.revision ? 'none' : d.review.status}`)}
                </span>
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
                    · {v.basedOn ? t('library.basedOn', { ref: `${v.basedOn.id}@${v.basedOn.version}` }) : t('library.original')} · {v.author} · {t('library.publishedOn', { at: v.publishedAt.slice(0, 10) })}
                  </span>
                </div>
                <div className="small">
                  <Period v={v} current={v.version === current} />
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
