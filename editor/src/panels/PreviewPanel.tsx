// The live preview: sample cities' verdicts and totals under the draft beside those under the version it is based on, changes highlighted.
import { useState } from 'react';
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

export function PreviewPanel({ rows, ms, compileMs, dossiers, selected, toggle, error, baseLabel, currentLabel }: { rows: PreviewRow[]; ms: number; compileMs: number; dossiers: DossierDetail[]; selected: Set<string>; toggle(id: string): void; error: string | null; baseLabel: string | null; currentLabel: string }) {
  const { t } = useTranslation();
  const [choosing, setChoosing] = useState(false);
  const changed = rows.filter((r) => r.changed).length;
  return (
    <section className="panel" aria-label={t('preview.title')} data-testid="preview-panel" data-compile-ms={compileMs.toFixed(1)} data-evaluate-ms={ms.toFixed(1)}>
      <h2>
        {t('preview.title')} {changed > 0 && <span className="badge warn" data-testid="preview-changed">{t('preview.changed', { count: changed })}</span>}
      </h2>
      {error && <p className="field-error">{error}</p>}
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
            <tr key={r.id} className={r.changed ? 'changed' : ''} data-testid={`preview-row-${r.id}`} data-changed={r.changed ? 'true' : 'false'}>
              <td>
                {r.name} <span className="muted small">{r.period}</span>
              </td>
              {baseLabel && <Cell c={r.base} testId={`preview-base-${r.id}`} />}
              <Cell c={r.draft} testId={`preview-draft-${r.id}`} />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
