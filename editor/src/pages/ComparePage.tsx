// Compare two versions (or a draft): the semantic change list beside Monaco's diff editor on the JSON.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearch } from 'wouter';
import { DiffEditor, type DiffOnMount } from '@monaco-editor/react';
import '../monaco/setupMonaco.js';
import { useApi } from '../auth/useAuth.js';
import type { Change, RuleSetSummary } from '../api/client.js';
import { pick } from '../i18n/i18n.js';
import { rangeOf } from '../model/locate.js';

export function ComparePage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const params = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const [sets, setSets] = useState<RuleSetSummary[]>([]);
  const ruleSet = params.get('ruleSet') ?? sets[0]?.id ?? '';
  const current = sets.find((s) => s.id === ruleSet);
  const refs = current ? [...current.versions.map(String), ...current.drafts] : [];
  const from = params.get('from') || refs[0] || '';
  const to = params.get('to') || refs[refs.length - 1] || '';
  const [texts, setTexts] = useState<{ a: string; b: string } | null>(null);
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [diff, setDiff] = useState<Parameters<DiffOnMount>[0] | null>(null);

  /** Shows a change in the diff: in the newer text, or in the older one when the item was removed. */
  const reveal = (c: Change) => {
    if (!diff || !texts) return;
    const removed = c.change === 'removed';
    const ed = removed ? diff.getOriginalEditor() : diff.getModifiedEditor();
    const model = ed.getModel();
    const r = rangeOf(removed ? texts.a : texts.b, c.path as (string | number)[]);
    if (!model || !r) return;
    const pos = model.getPositionAt(r.offset);
    ed.revealLineInCenter(pos.lineNumber);
    ed.setPosition(pos);
    ed.focus();
  };

  useEffect(() => {
    api.ruleSets().then(setSets, (e) => setError(e.message));
  }, [api]);

  useEffect(() => {
    if (!ruleSet || !from || !to) return;
    const load = async (ref: string) => (/^[0-9]+$/.test(ref) ? (await api.version(ruleSet, Number(ref))).document : (await api.draft(ref)).document);
    setError(null);
    Promise.all([load(from), load(to), api.diff(ruleSet, from, to)]).then(
      ([a, b, c]) => {
        setTexts({ a: JSON.stringify(a, null, 2), b: JSON.stringify(b, null, 2) });
        setChanges(c);
      },
      (e) => setError(e.message),
    );
  }, [api, ruleSet, from, to]);

  const go = (next: Record<string, string>) => {
    const p = new URLSearchParams({ ruleSet, from, to, ...next });
    navigate(`/compare?${p.toString()}`);
  };
  const label = (r: string) => (/^[0-9]+$/.test(r) ? `${ruleSet}@${r}` : `${t('library.draft')} ${r}`);

  return (
    <div className="page-pad compare">
      <h1>{t('nav.compare')}</h1>
      <div className="compare-pickers">
        <label>
          {t('compare.ruleSet')}{' '}
          <select value={ruleSet} onChange={(e) => go({ ruleSet: e.target.value, from: '', to: '' })}>
            {sets.map((s) => (
              <option key={s.id} value={s.id}>
                {pick(s.title, i18n.language)} ({s.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('compare.from')}{' '}
          <select value={from} onChange={(e) => go({ from: e.target.value })} data-testid="compare-from">
            {refs.map((r) => (
              <option key={r} value={r}>
                {label(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('compare.to')}{' '}
          <select value={to} onChange={(e) => go({ to: e.target.value })} data-testid="compare-to">
            {refs.map((r) => (
              <option key={r} value={r}>
                {label(r)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p className="field-error">{error}</p>}
      <div className="compare-body">
        <section className="panel changes" data-testid="change-list">
          <h2>{t('compare.changes', { count: changes?.length ?? 0 })}</h2>
          {changes && changes.length === 0 && <p className="muted">{t('compare.same')}</p>}
          <ul>
            {changes?.map((c, n) => (
              <li key={n} className={`change ${c.change ?? ''}`}>
                <button type="button" className="change-link" onClick={() => reveal(c)} title={t('compare.reveal')}>
                  <span className="kind-tag">{t(`compare.kinds.${c.kind}`, { defaultValue: c.kind })}</span> {pick(c.text, i18n.language)}
                </button>
              </li>
            ))}
          </ul>
        </section>
        <div className="diff-wrap">
          {texts && <DiffEditor onMount={(e) => setDiff(e)} original={texts.a} modified={texts.b} language="json" options={{ readOnly: true, renderSideBySide: true, minimap: { enabled: false }, automaticLayout: true, scrollBeyondLastLine: false }} loading={t('common.loading')} />}
        </div>
      </div>
    </div>
  );
}
