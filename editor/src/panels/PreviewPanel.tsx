// The live preview: sample cities' verdicts and totals under the draft beside those under the version it is based on, changes highlighted.
import { Fragment, useEffect, useState } from 'react';
import type { ItemChange } from '../model/evaluationDiff.js';
import { pick } from '../i18n/i18n.js';
import { useTranslation } from 'react-i18next';
import type { PreviewCell, PreviewRow } from '../hooks/usePreview.js';
import type { DossierDetail } from '../api/client.js';

function Cell({ c, testId }: { c: PreviewCell | null; testId: string }) {
  const { t } = useTranslation();
  if (!c) return <td className="muted">…</td>;
  if (!c.ok || !c.result) return <td className="muted" title={c.problem ?? ''} data-testid={testId}>{t('preview.notEvaluated')}</td>;
  const r = c.result;
  return (
    <td data-testid={testId} data-status={r.status}>
      <span className={`pv-verdict ${r.status}`}>{t(`status.${r.status}`)}</span> <span className="total">{r.total ?? '—'}</span>
    </td>
  );
}

function Why({ id, explain, version }: { id: string; explain(id: string): Promise<ItemChange[] | null>; version: unknown }) {
  const { t, i18n } = useTranslation();
  const [changes, setChanges] = useState<ItemChange[] | null | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    setChanges(undefined);
    explain(id).then((c) => alive && setChanges(c), () => alive && setChanges(null));
    return () => {
      alive = false;
    };
  }, [id, version]); // eslint-disable-line react-hooks/exhaustive-deps
  if (changes === undefined) return <p className="muted small">{t('common.loading')}</p>;
  if (changes === null) return <p className="muted small">{t('preview.whyUnavailable')}</p>;
  if (changes.length === 0) return <p className="muted small">{t('preview.noDifference')}</p>;
  // Statuses are words of the engine; show them in the UI language.
  const show = (c: ItemChange, side: 'before' | 'after') => {
    const v = c[side];
    if (c.kind === 'checks') return t(`status.${v}`, { defaultValue: v });
    if (c.kind === 'outcome') {
      const [status, total] = v.split(' · ');
      const title = side === 'before' ? c.textBefore : c.textAfter;
      return [t(`status.${status}`, { defaultValue: status }), title ? pick(title, i18n.language) : null, total].filter(Boolean).join(' · ');
    }
    return v;
  };
  return (
    <ul className="why" data-testid={`why-${id}`}>
      {changes.map((c) => (
        <li key={c.id}>
          <strong>{pick(c.label, i18n.language)}</strong> {c.cites.length > 0 && <span className="muted small">{c.cites.join(' · ')}</span>}
          <div>
            <span className="muted">{show(c, 'before')}</span> → <strong className="changed-value">{show(c, 'after')}</strong>
          </div>
          {c.kind !== 'outcome' && c.textAfter && <div className="muted small">{pick(c.textAfter, i18n.language)}</div>}
        </li>
      ))}
    </ul>
  );
}

export function PreviewPanel({ rows, ms, compileMs, dossiers, selected, toggle, error, baseLabel, currentLabel, explain, version, paused }: { paused: boolean; explain(id: string): Promise<ItemChange[] | null>; version: unknown; rows: PreviewRow[]; ms: number; compileMs: number; dossiers: DossierDetail[]; selected: Set<string>; toggle(id: string): void; error: string | null; baseLabel: string | null; currentLabel: string }) {
  const { t } = useTranslation();
  const [choosing, setChoosing] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const changed = rows.filter((r) => r.changed).length;
  return (
    <section className="panel" aria-label={t('preview.title')} data-testid="preview-panel" data-compile-ms={compileMs.toFixed(1)} data-evaluate-ms={ms.toFixed(1)}>
      <h2>
        {t('preview.title')} {changed > 0 && <span className="badge warn" data-testid="preview-changed">{t('preview.changed', { count: changed })}</span>}
      </h2>
      {error && <p className="field-error">{error}</p>}
      {paused && (
        <p className="field-error" data-testid="preview-paused">
          {t('preview.paused')}
        </p>
      )}
      <p className="muted small">
        {t('preview.timing', { count: rows.length, ms: ms.toFixed(0), compile: compileMs.toFixed(0) })}{' '}
        <button type="button" className="link small" onClick={() => setChoosing(!choosing)}>
          {t('preview.choose')}
        </button>
      </p>
      {choosing && (
        <div className="dossier-picker">
          {dossiers.map((d) => (
            <label key={d.id}>
              <input type="checkbox" checked={selected.has(d.id)} onChange={() => toggle(d.id)} /> {d.cityName ?? d.id} {d.period}
            </label>
          ))}
        </div>
      )}
      <table className="grid preview">
        <thead>
          <tr>
            <th>{t('preview.city')}</th>
            {baseLabel && <th>{baseLabel}</th>}
            <th>{currentLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Fragment key={r.id}>
              <tr
                className={`${r.changed ? 'changed' : ''} ${baseLabel ? 'clickable' : ''}`}
                data-testid={`preview-row-${r.id}`}
                data-changed={r.changed ? 'true' : 'false'}
                title={baseLabel ? t('preview.why') : undefined}
                onClick={() => baseLabel && setOpen(open === r.id ? null : r.id)}
              >
                <td>
                  {baseLabel && <span className="muted small">{open === r.id ? '▾' : '▸'} </span>}
                  {r.name} <span className="muted small">{r.period}</span>
                </td>
                {baseLabel && <Cell c={r.base} testId={`preview-base-${r.id}`} />}
                <Cell c={r.draft} testId={`preview-draft-${r.id}`} />
              </tr>
              {open === r.id && (
                <tr className="why-row">
                  <td colSpan={baseLabel ? 3 : 2}>
                    <Why id={r.id} explain={explain} version={version} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}
