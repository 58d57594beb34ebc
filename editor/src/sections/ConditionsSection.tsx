// Gates and basic conditions: every check stage and item with its condition in the visual all / any / not builder, its severity and when it applies.
import { useTranslation } from 'react-i18next';
import { useEditor } from '../pages/editor/useEditor.js';
import { ConditionBuilder } from '../components/ConditionBuilder.js';
import { ChoiceField } from '../components/ChoiceField.js';
import { ItemCard } from './ItemCard.js';
import { pick } from '../i18n/i18n.js';

export function ConditionsSection() {
  const { t, i18n } = useTranslation();
  const { rs, words } = useEditor();
  if (!rs) return null;
  return (
    <section className="section" aria-label={t('tabs.conditions')}>
      {rs.stages.map((s, si) =>
        s.kind !== 'checks' ? null : (
          <div key={s.id} className="stage" data-path={`stages.${si}`}>
            <h2 className="stage-title">
              {words?.label(s.label) ?? pick(s.label, i18n.language)} <code className="id">{s.id}</code>
            </h2>
            {s.appliesWhen && (
              <div className="applies">
                <h4>{t('common.appliesWhen')}</h4>
                <ConditionBuilder path={['stages', si, 'appliesWhen']} />
              </div>
            )}
            {s.items.map((it, ii) => (
              <ItemCard
                key={it.id}
                path={['stages', si, 'items', ii]}
                id={it.id}
                label={it.label}
                cites={it.cites}
                extra={
                  <ChoiceField
                    path={['stages', si, 'items', ii, 'severity']}
                    label={t('conditions.severity')}
                    options={[
                      { value: 'veto', label: t('conditions.veto') },
                      { value: 'advisory', label: t('conditions.advisory') },
                    ]}
                  />
                }
              >
                <ConditionBuilder path={['stages', si, 'items', ii, 'condition']} />
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
