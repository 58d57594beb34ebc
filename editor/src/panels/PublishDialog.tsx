// Publishing a draft: save, run the golden cases, show each failing case (expected vs actual), re-baseline chosen cases deliberately, then publish with a changelog note and the day it takes effect, once another editor approved it.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/errorText.js';
import { type GoldenCase, type GoldenRun, type VersionSummary } from '../api/client.js';
import { approvedNow } from './ReviewPanel.js';
import { useApi } from '../auth/useAuth.js';
import type { RuleSetDocument } from '../hooks/useRuleSetDocument.js';
import { splitProblem } from '../model/inputs.js';


type Step = 'saving' | 'running' | 'ready' | 'publishing' | 'error';

/** An ISO day (local calendar) `days` after today. */
function localDay(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function PublishDialog({ doc, errors, reviewRequired, onClose, onPublished }: { doc: RuleSetDocument; errors: number; reviewRequired: boolean; onClose(): void; onPublished(v: VersionSummary): void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [step, setStep] = useState<Step>('saving');
  const [message, setMessage] = useState<string | null>(null);
  const [run, setRun] = useState<GoldenRun | null>(null);
  const [cases, setCases] = useState<Map<string, GoldenCase>>(new Map());
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [noteZh, setNoteZh] = useState('');
  const [noteEn, setNoteEn] = useState('');
  // The day the new version takes effect: the next day unless chosen otherwise, never before the base version's start.
  const [day, setDay] = useState(localDay(1));
  const [dayChosen, setDayChosen] = useState(false);
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const draftId = doc.ref;
  useEffect(() => {
    api.versions(doc.ruleSetId).then(setVersions, () => setVersions([]));
  }, [api, doc.ruleSetId]);
  const base = versions?.find((v) => v.version === doc.basedOn?.version) ?? null;
  // A base version that itself starts later than tomorrow: the default is its first day (until a day is chosen).
  useEffect(() => {
    if (base && !dayChosen && day < base.effectiveFrom) setDay(base.effectiveFrom);
  }, [base, dayChosen, day]);
  const tooEarly = !!base && day < base.effectiveFrom;
  const badDay = !/^\d{4}-\d{2}-\d{2}$/.test(day) || tooEarly;
  // What publishing does to the periods (the server applies the same rule): the versions in force then end the day before.
  const closing = (versions ?? []).filter((v) => v.effectiveFrom <= day && (v.effectiveTo === null || v.effectiveTo >= day));
  const laterStart = (versions ?? []).map((v) => v.effectiveFrom).filter((f) => f > day).sort()[0];
  const approved = approvedNow(doc, reviewRequired);

  const runGolden = async () => {
    setStep('running');
    try {
      const [r, cs] = await Promise.all([api.runGolden(draftId), api.goldenCases(draftId)]);
      setRun(r);
      setCases(new Map(cs.map((c) => [c.id, c])));
      setChosen(new Set());
      setStep('ready');
    } catch (e) {
      setMessage((e as Error).message);
      setStep('error');
    }
  };

  useEffect(() => {
    (async () => {
      const saved = await doc.flush();
      if (!saved) {
        setMessage(t('publish.notSaved'));
        setStep('error');
        return;
      }
      if (errors > 0) {
        setMessage(t('publish.hasErrors', { count: errors }));
        setStep('error');
        return;
      }
      await runGolden();
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const failing = run?.results.filter((r) => !r.ok) ?? [];

  const rebaseline = async () => {
    setStep('running');
    try {
      const r = await api.rebaseline(draftId, [...chosen], reason.trim(), doc.etag!);
      doc.setDraft({ etag: r.draft.etag });
      setReason('');
      await runGolden();
    } catch (e) {
      setMessage(errorText(e, t));
      setStep('ready');
    }
  };

  const publish = async () => {
    setStep('publishing');
    try {
      const v = await api.publish(draftId, { zh: noteZh.trim(), en: noteEn.trim() || noteZh.trim() }, doc.etag!, day);
      onPublished(v);
    } catch (e) {
      setMessage(errorText(e, t));
      setStep('ready');
    }
  };

  const canPublish = step === 'ready' && run !== null && run.failed === 0 && noteZh.trim().length > 0 && !badDay && approved;

  return (
    <div className="modal-backdrop" role="presentation">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="publish-title" data-testid="publish-dialog">
        <header className="modal-head">
          <h2 id="publish-title">{t('publish.title')}</h2>
          <button type="button" className="link" onClick={onClose} aria-label={t('common.close')}>
            ✕
          </button>
        </header>
        {step === 'saving' && <p>{t('publish.saving')}</p>}
        {step === 'running' && <p>{t('publish.running')}</p>}
        {message && (
          <p className="field-error" role="alert">
            {message}
          </p>
        )}
        {run && step !== 'running' && (
          <div className="golden">
            <p data-testid="golden-summary" className={run.failed ? 'bad' : 'ok'}>
              {run.failed ? t('publish.goldenFailed', { failed: run.failed, total: run.results.length }) : t('publish.goldenPassed', { total: run.results.length })}
            </p>
            {failing.length > 0 && (
              <>
                <p className="hint">{t('publish.rebaselineHint')}</p>
                <div className="golden-list">
                  {failing.map((r) => (
                    <div key={r.id} className="golden-case" data-testid={`golden-failing-${r.id}`}>
                      <label>
                        <input
                          type="checkbox"
                          checked={chosen.has(r.id)}
                          onChange={() =>
                            setChosen((cur) => {
                              const n = new Set(cur);
                              if (n.has(r.id)) n.delete(r.id);
                              else n.add(r.id);
                              return n;
                            })
                          }
                        />{' '}
                        <strong>{cases.get(r.id)?.title ?? r.id}</strong> <code className="id">{r.id}</code>
                      </label>
                      <table className="grid small">
                        <thead>
                          <tr>
                            <th>{t('publish.field')}</th>
                            <th>{t('publish.expected')}</th>
                            <th>{t('publish.actual')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {r.problems.map((p, n) => {
                            const s = splitProblem(p);
                            return s ? (
                              <tr key={n}>
                                <td>{s.field}</td>
                                <td>{s.expected}</td>
                                <td className="changed">{s.actual}</td>
                              </tr>
                            ) : (
                              <tr key={n}>
                                <td colSpan={3}>{p}</td>
                              </tr>
                            );
                          })}
                        </tbody>
                      </table>
                    </div>
                  ))}
                </div>
                <div className="rebaseline">
                  <button type="button" className="link" onClick={() => setChosen(new Set(failing.map((r) => r.id)))}>
                    {t('publish.selectAll')}
                  </button>
                  <label className="block">
                    {t('publish.reason')}
                    <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} className="wide" data-testid="rebaseline-reason" />
                  </label>
                  <button type="button" className="warn-button" disabled={chosen.size === 0 || !reason.trim()} onClick={() => void rebaseline()} data-testid="rebaseline-button">
                    {t('publish.rebaseline', { count: chosen.size })}
                  </button>
                </div>
              </>
            )}
          </div>
        )}
        {run && (
          <div className="effective" data-testid="publish-effective">
            <label className="block">
              {t('publish.effectiveFrom')}{' '}
              <input type="date" value={day} min={base?.effectiveFrom} onChange={(e) => {
                  setDayChosen(true);
                  setDay(e.target.value);
                }} data-testid="effective-from" aria-invalid={tooEarly || undefined} />
            </label>
            {tooEarly && base && (
              <p className="field-error" role="alert">
                {t('publish.beforeBase', { ref: base.ref, from: base.effectiveFrom })}
              </p>
            )}
            {!badDay && (
              <ul className="small periods-preview" data-testid="periods-preview">
                <li>{laterStart ? t('publish.newPeriodUntil', { from: day, to: dayBefore(laterStart) }) : t('publish.newPeriod', { from: day })}</li>
                {closing.map((v) => (
                  <li key={v.version}>{v.effectiveFrom === day ? t('publish.replaced', { ref: v.ref }) : t('publish.closes', { ref: v.ref, from: v.effectiveFrom, to: dayBefore(day) })}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {run && !approved && (
          <p className="banner info small" role="status" data-testid="publish-needs-review">
            {t('publish.needsReview')}
          </p>
        )}
        {run && (
          <div className="changelog">
            <label className="block">
              {t('publish.noteZh')}
              <textarea value={noteZh} onChange={(e) => setNoteZh(e.target.value)} rows={2} className="wide" data-testid="changelog-zh" />
            </label>
            <label className="block">
              {t('publish.noteEn')}
              <textarea value={noteEn} onChange={(e) => setNoteEn(e.target.value)} rows={2} className="wide" data-testid="changelog-en" />
            </label>
          </div>
        )}
        <footer className="modal-foot">
          {run && run.failed > 0 && <span className="muted small">{t('publish.refused')}</span>}
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary" disabled={!canPublish} onClick={() => void publish()} data-testid="publish-confirm">
            {step === 'publishing' ? t('publish.publishing') : t('publish.confirm')}
          </button>
        </footer>
      </div>
    </div>
  );
}
