// Pass marks and titles (outcome rules), the rule set's effective dates and title, and the cohort cap and promotion rule.
import { useTranslation } from 'react-i18next';
import { useEditor } from '../pages/editor/useEditor.js';
import { setAt } from '../model/ruleSetOps.js';
import { ValueField } from '../components/ValueField.js';
import { ChoiceField } from '../components/ChoiceField.js';
import { ConditionBuilder } from '../components/ConditionBuilder.js';
import { ClauseChips } from '../components/ClauseChips.js';
import { ItemCard } from './ItemCard.js';
import { pick } from '../i18n/i18n.js';

export function OutcomeSection() {
  const { t, i18n } = useTranslation();
  const { rs, doc, readOnly, select, words } = useEditor();
  if (!rs) return null;
  const lang = i18n.language;
  const outcomeLabel = (id: string) => {
    const o = rs.outcomes.find((x) => x.id === id);
    return o ? pick(o.label, lang) : id;
  };
  const c = rs.cohort;
  return (
    <section className="section" aria-label={t('tabs.outcome')}>
      <div className="card">
        <h3>{t('outcome.meta')}</h3>
        <div className="form-grid">
          <label>{t('outcome.titleZh')}</label>
          <input type="text" className="wide" readOnly={readOnly} value={rs.title.zh} onChange={(e) => doc.edit((r) => setAt(r, ['title', 'zh'], e.target.value))} />
          <label>{t('outcome.titleEn')}</label>
          <input type="text" className="wide" readOnly={readOnly} value={rs.title.en} onChange={(e) => doc.edit((r) => setAt(r, ['title', 'en'], e.target.value))} />
          {/* A draft's period is set when it is published (the publish dialog asks for the first day); a version shows its own. */}
          <label>{t('outcome.effectiveFrom')}</label>
          <span data-testid="effective-from-shown">{doc.kind === 'draft' ? t('outcome.setAtPublish') : rs.effectiveFrom}</span>
          <label>{t('outcome.effectiveTo')}</label>
          <span>{doc.kind === 'draft' ? t('outcome.endsWhenReplaced') : (doc.version?.effectiveTo ?? t('library.open'))}</span>
        </div>
      </div>
      <div className="card" data-path="outcomes">
        <h3>{t('outcome.titles')}</h3>
        <table className="grid">
          <thead>
            <tr>
              <th>{t('outcome.titleId')}</th>
              <th>{t('outcome.titleZh')}</th>
              <th>{t('outcome.titleEn')}</th>
              <th>{t('outcome.rank')}</th>
            </tr>
          </thead>
          <tbody>
            {rs.outcomes.map((o, oi) => (
              <tr key={o.id}>
                <td>
                  <code className="id">{o.id}</code>
                </td>
                <td>
                  <input type="text" className="wide" readOnly={readOnly} aria-label={`${o.id} ${t('outcome.titleZh')}`} value={o.label.zh} onChange={(e) => doc.edit((r) => setAt(r, ['outcomes', oi, 'label', 'zh'], e.target.value))} />
                </td>
                <td>
                  <input type="text" className="wide" readOnly={readOnly} aria-label={`${o.id} ${t('outcome.titleEn')}`} value={o.label.en} onChange={(e) => doc.edit((r) => setAt(r, ['outcomes', oi, 'label', 'en'], e.target.value))} />
                </td>
                <td>{o.rank}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rs.stages.map((s, si) =>
        s.kind !== 'outcome' ? null : (
          <div key={s.id}>
            {s.rules.map((r, ri) => (
              <ItemCard key={r.id} path={['stages', si, 'rules', ri]} id={r.id} label={r.label} cites={r.cites} extra={<span className="kind-tag">{outcomeLabel(r.outcome)}</span>}>
                <div className="form-grid">
                  <label>{t('outcome.passMark')}</label>
                  <ValueField path={['stages', si, 'rules', ri, 'minTotal']} label={t('outcome.passMarkOf', { name: words?.label(r.label) ?? pick(r.label, lang) })} testId={`passmark-${r.id}`} />
                  <label>{t('outcome.enabled')}</label>
                  <ChoiceField path={['stages', si, 'rules', ri, 'enabled']} label={t('outcome.enabled')} options={[{ value: true, label: t('common.yes') }, { value: false, label: t('common.no') }]} />
                  <label>{t('outcome.fallback')}</label>
                  <span>{r.fallback ? t('common.yes') : t('common.no')}</span>
                  <label>{t('outcome.requires')}</label>
                  <span className="small">{r.requires.map((id) => words?.label(rs.stages.find((x) => x.id === id)?.label) || id).join('、')}</span>
                </div>
                {r.when && (
                  <div className="applies">
                    <h4>{t('outcome.when')}</h4>
                    <ConditionBuilder path={['stages', si, 'rules', ri, 'when']} />
                  </div>
                )}
              </ItemCard>
            ))}
          </div>
        ),
      )}
      {c && (
        <div className="card" data-path="cohort" onClick={() => select({ path: ['cohort'], cites: c.cites })}>
          <header className="card-head">
            <h3>{t('outcome.cohort')}</h3>
            <ClauseChips cites={c.cites} onPick={() => select({ path: ['cohort'], cites: c.cites })} />
          </header>
          {c.cap && (
            <div className="form-grid">
              <label>{t('outcome.capOf', { title: outcomeLabel(c.cap.outcome) })}</label>
              <ValueField path={['cohort', 'cap', 'max']} label={t('outcome.cap')} />
              <label>{t('outcome.rankBy')}</label>
              <ChoiceField path={['cohort', 'cap', 'rankBy']} label={t('outcome.rankBy')} options={[{ value: 'totalThenMetric', label: t('outcome.totalThenMetric') }, { value: 'metric', label: t('outcome.metric') }]} />
            </div>
          )}
          {c.promotion && (
            <div className="form-grid">
              <label>{t('outcome.promotion', { from: outcomeLabel(c.promotion.from), to: outcomeLabel(c.promotion.to) })}</label>
              <ChoiceField path={['cohort', 'promotion', 'enabled']} label={t('outcome.promotionEnabled')} options={[{ value: true, label: t('common.yes') }, { value: false, label: t('common.no') }]} />
              <label>{t('outcome.requireMinTotal')}</label>
              <ChoiceField path={['cohort', 'promotion', 'requireMinTotal']} label={t('outcome.requireMinTotal')} options={[{ value: true, label: t('common.yes') }, { value: false, label: t('common.no') }]} />
              <label>{t('outcome.promotionMinTotal')}</label>
              <ValueField path={['cohort', 'promotion', 'minTotal']} label={t('outcome.promotionMinTotal')} />
            </div>
          )}
        </div>
      )}
    </section>
  );
}
