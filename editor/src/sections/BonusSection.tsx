// Bonus items: each formula in a form that fits its kind (steps over a base with a cap, per-firm tiers, thresholds, discretionary awards), with a preview of the points.
import { useTranslation } from 'react-i18next';
import type { BonusItem, RuleSet } from '../../../engine/index.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { addTier, getAt, removeTier, setAt, type JsonPath } from '../model/ruleSetOps.js';
import { awardsRange, previewFormula } from '../model/formulaPreview.js';
import { ValueField } from '../components/ValueField.js';
import { ChoiceField } from '../components/ChoiceField.js';
import { NumberInput } from '../components/NumberInput.js';
import { ConditionBuilder } from '../components/ConditionBuilder.js';
import { ItemCard } from './ItemCard.js';
import { pick } from '../i18n/i18n.js';

function Preview({ rs, item, inputLabel }: { rs: RuleSet; item: BonusItem; inputLabel: string }) {
  const { t } = useTranslation();
  const rows = previewFormula(rs, item);
  if (!rows.length) return null;
  return (
    <table className="preview-mini" data-testid={`preview-${item.id}`}>
      <caption>{t('bonus.preview')}</caption>
      <thead>
        <tr>
          <th>{inputLabel}</th>
          {rows.map((r, n) => (
            <td key={n}>{r.input}</td>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th>{t('bonus.points')}</th>
          {rows.map((r, n) => (
            <td key={n}>{r.points}</td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}

function CapField({ path }: { path: JsonPath }) {
  const { t } = useTranslation();
  const { rs, doc, readOnly } = useEditor();
  if (!rs) return null;
  const v = getAt(rs, path);
  const none = v === null || v === undefined;
  const ref = v && typeof v === 'object' ? (v as { param: string }).param : null;
  const refNull = ref ? rs.parameters.find((p) => p.id === ref)?.value === null : false;
  return (
    <span className="value-field">
      {none || refNull ? <span className="muted">{t('bonus.noCap')}</span> : <ValueField path={path} label={t('bonus.cap')} />}
      {!readOnly && !ref && (
        <button type="button" className="link" onClick={() => doc.edit((r) => setAt(r, path, none ? 10 : null))}>
          {none ? t('bonus.addCap') : t('bonus.removeCap')}
        </button>
      )}
    </span>
  );
}

function FormulaForm({ rs, item, path }: { rs: RuleSet; item: BonusItem; path: JsonPath }) {
  const { t, i18n } = useTranslation();
  const { doc, readOnly } = useEditor();
  const f = item.formula;
  const fp = [...path, 'formula'];
  const factLabel = (id: string) => {
    const fd = rs.facts.find((x) => x.id === id) ?? rs.derived.find((x) => x.id === id);
    return fd ? pick(fd.label, i18n.language) : id;
  };
  switch (f.kind) {
    case 'steps':
      return (
        <>
          <div className="form-grid">
            <label>{t('bonus.input')}</label>
            <span>
              {factLabel(f.input)} <code className="id">{f.input}</code>
            </span>
            <label>{t('bonus.base')}</label>
            <ValueField path={[...fp, 'base']} label={t('bonus.base')} />
            <label>{t('bonus.step')}</label>
            <ValueField path={[...fp, 'step']} label={t('bonus.step')} />
            <label>{t('bonus.pointsPerStep')}</label>
            <ValueField path={[...fp, 'pointsPerStep']} label={t('bonus.pointsPerStep')} />
            <label>{t('bonus.rounding')}</label>
            <ChoiceField path={[...fp, 'rounding']} label={t('bonus.rounding')} options={[{ value: 'floor', label: t('bonus.floor') }, { value: 'proRata', label: t('bonus.proRata') }]} />
            <label>{t('bonus.cap')}</label>
            <CapField path={[...path, 'cap']} />
          </div>
          <Preview rs={rs} item={item} inputLabel={factLabel(f.input)} />
        </>
      );
    case 'threshold':
      return (
        <div className="form-grid">
          <label>{t('bonus.when')}</label>
          <ConditionBuilder path={[...fp, 'condition']} />
          <label>{t('bonus.points')}</label>
          <ValueField path={[...fp, 'points']} label={t('bonus.points')} />
        </div>
      );
    case 'perItemTiers':
      return (
        <>
          <div className="form-grid">
            <label>{t('bonus.list')}</label>
            <span>
              {factLabel(f.list)} · {f.field}
            </span>
            <label>{t('bonus.mode')}</label>
            <ChoiceField path={[...fp, 'mode']} label={t('bonus.mode')} options={[{ value: 'highest', label: t('bonus.highest') }, { value: 'cumulative', label: t('bonus.cumulative') }]} />
            <label>{t('bonus.cap')}</label>
            <CapField path={[...path, 'cap']} />
          </div>
          <table className="grid tiers">
            <thead>
              <tr>
                <th>{t('bonus.tierOver')}</th>
                <th>{t('bonus.tierInclusive')}</th>
                <th>{t('bonus.points')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {f.tiers.map((tier, ti) => (
                <tr key={ti}>
                  <td>
                    <ValueField path={[...fp, 'tiers', ti, 'over']} label={t('bonus.tierOver')} />
                  </td>
                  <td>
                    <input type="checkbox" aria-label={t('bonus.tierInclusive')} disabled={readOnly} checked={tier.inclusive} onChange={(e) => doc.edit((r) => setAt(r, [...fp, 'tiers', ti, 'inclusive'], e.target.checked))} />
                  </td>
                  <td>
                    <ValueField path={[...fp, 'tiers', ti, 'points']} label={t('bonus.points')} />
                  </td>
                  <td>
                    {!readOnly && f.tiers.length > 1 && (
                      <button type="button" className="link danger" onClick={() => doc.edit((r) => removeTier(r, path, ti))}>
                        {t('bonus.removeTier')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!readOnly && (
            <button type="button" className="link" onClick={() => doc.edit((r) => addTier(r, path))}>
              + {t('bonus.addTier')}
            </button>
          )}
          {f.extension && (
            <div className="form-grid">
              <label>{t('bonus.extension')}</label>
              <ChoiceField path={[...fp, 'extension', 'enabled']} label={t('bonus.extension')} options={[{ value: true, label: t('common.yes') }, { value: false, label: t('common.no') }]} />
              <label>{t('bonus.extAbove')}</label>
              <ValueField path={[...fp, 'extension', 'above']} label={t('bonus.extAbove')} />
              <label>{t('bonus.step')}</label>
              <ValueField path={[...fp, 'extension', 'step']} label={t('bonus.step')} />
              <label>{t('bonus.pointsPerStep')}</label>
              <ValueField path={[...fp, 'extension', 'pointsPerStep']} label={t('bonus.pointsPerStep')} />
            </div>
          )}
          <Preview rs={rs} item={item} inputLabel={t('bonus.perItemValue', { field: f.field })} />
        </>
      );
    case 'awards': {
      const range = awardsRange(rs, item);
      return (
        <>
          <table className="grid">
            <thead>
              <tr>
                <th>{t('bonus.award')}</th>
                <th>{t('bonus.allowZero')}</th>
                <th>{t('bonus.min')}</th>
                <th>{t('bonus.max')}</th>
                <th>{t('bonus.stepSize')}</th>
              </tr>
            </thead>
            <tbody>
              {range.perFact.map((a) => {
                const fi = rs.facts.findIndex((x) => x.id === a.fact);
                const has = fi >= 0 && rs.facts[fi].discretionary;
                const dp = ['facts', fi, 'discretionary'];
                return (
                  <tr key={a.fact}>
                    <td>{factLabel(a.fact)}</td>
                    <td>{a.allowZero ? t('common.yes') : t('common.no')}</td>
                    {(['min', 'max', 'step'] as const).map((k) => (
                      <td key={k}>
                        {has ? (
                          <NumberInput value={a[k]} min={0} readOnly={readOnly} ariaLabel={`${factLabel(a.fact)} ${t(`bonus.${k === 'step' ? 'stepSize' : k}`)}`} onChange={(n) => n !== null && doc.edit((r) => setAt(r, [...dp, k], n))} width="5em" />
                        ) : (
                          a[k]
                        )}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted">{t('bonus.awardsRange', { min: range.min, max: range.max })}</p>
          <div className="form-grid">
            <label>{t('bonus.cap')}</label>
            <CapField path={[...path, 'cap']} />
          </div>
        </>
      );
    }
    case 'expression':
      return (
        <div className="form-grid">
          <label>{t('bonus.expression')}</label>
          <input type="text" className="wide mono" readOnly={readOnly} aria-label={t('bonus.expression')} value={f.expr} onChange={(e) => doc.edit((r) => setAt(r, [...fp, 'expr'], e.target.value))} />
        </div>
      );
  }
}

export function BonusSection() {
  const { t } = useTranslation();
  const { rs } = useEditor();
  if (!rs) return null;
  return (
    <section className="section" aria-label={t('tabs.bonus')}>
      {rs.stages.map((s, si) =>
        s.kind !== 'bonus' ? null : (
          <div key={s.id}>
            <div className="ed-row">
              <label>{t('bonus.stageCap')}</label>
              <CapField path={['stages', si, 'cap']} />
            </div>
            {s.items.map((it, ii) => (
              <ItemCard key={it.id} path={['stages', si, 'items', ii]} id={it.id} label={it.label} cites={it.cites} extra={<span className="kind-tag">{t(`bonus.kinds.${it.formula.kind}`)}</span>}>
                <FormulaForm rs={rs} item={it} path={['stages', si, 'items', ii]} />
                {it.appliesWhen && (
                  <div className="applies">
                    <h4>{t('common.appliesWhen')}</h4>
                    <ConditionBuilder path={['stages', si, 'items', ii, 'appliesWhen']} />
                  </div>
                )}
              </ItemCard>
            ))}
          </div>
        ),
      )}
    </section>
  );
}
