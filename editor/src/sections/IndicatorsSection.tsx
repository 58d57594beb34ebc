// The seven indicators: maximum points with a live check that they add up to the base, and their reference (备注) requirements.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../pages/editor/useEditor.js';
import { indicatorTotals } from '../model/ruleSetOps.js';
import { ValueField } from '../components/ValueField.js';
import { ConditionBuilder } from '../components/ConditionBuilder.js';
import { ItemCard } from './ItemCard.js';
import { pick } from '../i18n/i18n.js';

export function IndicatorsSection() {
  const { t, i18n } = useTranslation();
  const { rs, words } = useEditor();
  const [open, setOpen] = useState<string | null>(null);
  if (!rs) return null;
  return (
    <section className="section" aria-label={t('tabs.indicators')}>
      {rs.stages.map((s, si) => {
        if (s.kind !== 'score') return null;
        const totals = indicatorTotals(rs, s.id)!;
        return (
          <div key={s.id}>
            <div className={`sum-check ${totals.adds ? 'ok' : 'bad'}`} data-testid="indicator-sum" role="status">
              <span>
                {t('indicators.base')}: <ValueField path={['stages', si, 'base']} label={t('indicators.base')} />
              </span>
              <span>
                {t('indicators.sum')}: <strong>{totals.sum}</strong>
              </span>
              <span>{totals.adds ? `✓ ${t('indicators.adds')}` : `✗ ${t('indicators.doesNotAdd', { diff: Math.round((totals.sum - (totals.base ?? 0)) * 1000) / 1000 })}`}</span>
            </div>
            {s.items.map((it, ii) => (
              <ItemCard key={it.id} path={['stages', si, 'items', ii]} id={it.id} label={it.label} cites={it.cites}>
                <div className="ed-row">
                  <label>{t('indicators.max')}</label>
                  <ValueField path={['stages', si, 'items', ii, 'max']} label={t('indicators.maxOf', { name: words?.label(it.label) ?? pick(it.label, i18n.language) })} testId={`max-${it.id}`} />
                  {it.scoreFact && (
                    <span className="muted small">
                      {t('indicators.scoreFact')}: <code>{it.scoreFact}</code>
                    </span>
                  )}
                </div>
                <div className="requirements">
                  <h4>{t('indicators.requirements')}</h4>
                  <ul>
                    {it.requirements.map((r, ri) => (
                      <li key={r.id} data-path={['stages', si, 'items', ii, 'requirements', ri].join('.')}>
                        <button type="button" className="link" onClick={(e) => { e.stopPropagation(); setOpen(open === r.id ? null : r.id); }}>
                          {open === r.id ? '▾' : '▸'} <span data-testid={`requirement-${r.id}`}>{words?.label(r.label) ?? pick(r.label, i18n.language)}</span>
                        </button>{' '}
                        <span className="muted small">{r.cites.join(' · ')}</span>
                        {open === r.id && <ConditionBuilder path={['stages', si, 'items', ii, 'requirements', ri, 'condition']} />}
                      </li>
                    ))}
                  </ul>
                </div>
              </ItemCard>
            ))}
          </div>
        );
      })}
    </section>
  );
}
