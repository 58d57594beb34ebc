// A visual builder for json-rules-engine condition trees: all / any / not groups and leaves (fact, operator, value, another fact or a parameter).
import { useTranslation } from 'react-i18next';
import { OPERATORS, type Condition, type LeafCondition, type Operator, type RuleSet } from '../../../engine/index.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { getAt, setConditionAt, type JsonPath } from '../model/ruleSetOps.js';
import { addChild, changeLeaf, childrenOf, newLeaf, nodeKind, removeNode, setGroupKind, unwrapNode, wrapNode, type NodePath } from '../model/conditionOps.js';
import { pick } from '../i18n/i18n.js';

type ValueKind = 'number' | 'text' | 'boolean' | 'list' | 'fact' | 'param';

function valueKind(v: LeafCondition['value']): ValueKind {
  if (Array.isArray(v)) return 'list';
  if (v && typeof v === 'object') return 'fact' in v ? 'fact' : 'param';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  return 'text';
}

/** A literal that suits a fact's type, for a new leaf or a leaf whose fact changed type. */
function defaultValueFor(rs: RuleSet, factId: string): LeafCondition['value'] {
  const f = rs.facts.find((x) => x.id === factId);
  if (!f) return 0;
  if (f.type === 'boolean') return true;
  if (f.type === 'enum') return f.values?.[0]?.id ?? '';
  if (f.type === 'string') return '';
  return 0;
}

/** Whether a literal value fits a fact's type (references to facts and parameters always do). */
function fits(rs: RuleSet, factId: string, v: LeafCondition['value']): boolean {
  const f = rs.facts.find((x) => x.id === factId);
  if (!f || (v !== null && typeof v === 'object')) return true;
  if (f.type === 'boolean') return typeof v === 'boolean';
  if (f.type === 'number' || f.type === 'integer') return typeof v === 'number';
  return typeof v === 'string';
}

function factOptions(rs: RuleSet, lang: string): { id: string; label: string }[] {
  return [
    ...rs.facts.filter((f) => f.type !== 'list').map((f) => ({ id: f.id, label: `${pick(f.label, lang)} (${f.id})` })),
    ...rs.derived.map((d) => ({ id: d.id, label: `${pick(d.label, lang)} (${d.id})` })),
  ];
}

function Leaf({ c, at, onChange, readOnly }: { c: LeafCondition; at: NodePath; onChange(fn: (root: Condition) => Condition): void; readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const { rs } = useEditor();
  if (!rs) return null;
  const facts = factOptions(rs, i18n.language);
  const kind = valueKind(c.value);
  const set = (patch: Partial<LeafCondition>) => onChange((root) => changeLeaf(root, at, patch));
  const defaultFor = (k: ValueKind): LeafCondition['value'] =>
    k === 'number' ? 0 : k === 'text' ? '' : k === 'boolean' ? true : k === 'list' ? [] : k === 'fact' ? { fact: facts[0]?.id ?? c.fact } : { param: rs.parameters[0]?.id ?? 'x' };
  const known = facts.some((f) => f.id === c.fact);
  return (
    <div className="cond-leaf" data-testid="cond-leaf">
      <select aria-label={t('conditions.fact')} value={c.fact} disabled={readOnly} onChange={(e) => set(fits(rs, e.target.value, c.value) ? { fact: e.target.value } : { fact: e.target.value, value: defaultValueFor(rs, e.target.value) })}>
        {!known && <option value={c.fact}>{c.fact}</option>}
        {facts.map((f) => (
          <option key={f.id} value={f.id}>
            {f.label}
          </option>
        ))}
      </select>
      <select aria-label={t('conditions.operator')} value={c.operator} disabled={readOnly} onChange={(e) => set({ operator: e.target.value as Operator })}>
        {OPERATORS.map((o) => (
          <option key={o} value={o}>
            {t(`operators.${o}`)}
          </option>
        ))}
      </select>
      <select aria-label={t('conditions.valueKind')} value={kind} disabled={readOnly} onChange={(e) => set({ value: defaultFor(e.target.value as ValueKind) })}>
        {(['number', 'text', 'boolean', 'list', 'fact', 'param'] as ValueKind[]).map((k) => (
          <option key={k} value={k}>
            {t(`conditions.kinds.${k}`)}
          </option>
        ))}
      </select>
      {kind === 'number' && (
        <input type="number" aria-label={t('conditions.value')} readOnly={readOnly} value={c.value as number} onChange={(e) => e.target.value !== '' && set({ value: Number(e.target.value) })} />
      )}
      {kind === 'text' && <input type="text" aria-label={t('conditions.value')} readOnly={readOnly} value={c.value as string} onChange={(e) => set({ value: e.target.value })} />}
      {kind === 'boolean' && (
        <select aria-label={t('conditions.value')} disabled={readOnly} value={String(c.value)} onChange={(e) => set({ value: e.target.value === 'true' })}>
          <option value="true">{t('common.yes')}</option>
          <option value="false">{t('common.no')}</option>
        </select>
      )}
      {kind === 'list' && (
        <input
          type="text"
          aria-label={t('conditions.value')}
          readOnly={readOnly}
          value={(c.value as (string | number)[]).join(', ')}
          onChange={(e) => set({ value: e.target.value.split(/[,，]\s*/).filter(Boolean).map((x) => (/^-?\d+(\.\d+)?$/.test(x) ? Number(x) : x)) })}
        />
      )}
      {kind === 'fact' && (
        <select aria-label={t('conditions.otherFact')} disabled={readOnly} value={(c.value as { fact: string }).fact} onChange={(e) => set({ value: { fact: e.target.value } })}>
          {facts.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      )}
      {kind === 'param' && (
        <select aria-label={t('conditions.parameter')} disabled={readOnly} value={(c.value as { param: string }).param} onChange={(e) => set({ value: { param: e.target.value } })}>
          {rs.parameters.map((p) => (
            <option key={p.id} value={p.id}>
              {pick(p.label, i18n.language)} = {String(p.value)}
              {p.unit ?? ''}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

function Node({ root, at, onChange, readOnly }: { root: Condition; at: NodePath; onChange(fn: (root: Condition) => Condition): void; readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const { rs } = useEditor();
  let c: Condition = root;
  for (const i of at) c = childrenOf(c)[i];
  const kind = nodeKind(c);
  const kids = childrenOf(c);
  const tools = !readOnly && (
    <span className="cond-tools">
      <button type="button" className="link" onClick={() => onChange((r) => wrapNode(r, at, 'not'))}>
        {t('conditions.wrapNot')}
      </button>
      <button type="button" className="link" onClick={() => onChange((r) => wrapNode(r, at, 'all'))}>
        {t('conditions.wrapAll')}
      </button>
      <button type="button" className="link" onClick={() => onChange((r) => wrapNode(r, at, 'any'))}>
        {t('conditions.wrapAny')}
      </button>
      {(kind === 'not' || ((kind === 'all' || kind === 'any') && kids.length === 1)) && (
        <button type="button" className="link" onClick={() => onChange((r) => unwrapNode(r, at))}>
          {t('conditions.unwrap')}
        </button>
      )}
      {at.length > 0 && (
        <button type="button" className="link danger" onClick={() => onChange((r) => removeNode(r, at))} title={t('conditions.remove')}>
          {t('conditions.remove')}
        </button>
      )}
    </span>
  );
  if (kind === 'leaf')
    return (
      <div className="cond-node">
        {c.label && <div className="cond-label">{pick(c.label, i18n.language)}</div>}
        <div className="cond-row">
          <Leaf c={c as LeafCondition} at={at} onChange={onChange} readOnly={readOnly} />
          {tools}
        </div>
      </div>
    );
  return (
    <div className={`cond-group cond-${kind}`} data-testid={`cond-${kind}`}>
      <div className="cond-row">
        {kind === 'not' ? (
          <strong className="cond-kind">{t('conditions.not')}</strong>
        ) : (
          <select aria-label={t('conditions.groupKind')} className="cond-kind" disabled={readOnly} value={kind} onChange={(e) => onChange((r) => setGroupKind(r, at, e.target.value as 'all' | 'any'))}>
            <option value="all">{t('conditions.all')}</option>
            <option value="any">{t('conditions.any')}</option>
          </select>
        )}
        {c.label && <span className="cond-label">{pick(c.label, i18n.language)}</span>}
        {tools}
      </div>
      <div className="cond-children">
        {kids.map((_, i) => (
          <Node key={i} root={root} at={[...at, i]} onChange={onChange} readOnly={readOnly} />
        ))}
        {!readOnly && kind !== 'not' && (
          <div className="cond-add">
            <button
              type="button"
              className="link"
              onClick={() => {
                const fact = (kids.find((k) => nodeKind(k) === 'leaf') as LeafCondition | undefined)?.fact ?? 'softwareRevenue';
                onChange((r) => addChild(r, at, newLeaf(fact, 'equal', rs ? defaultValueFor(rs, fact) : 0)));
              }}
            >
              + {t('conditions.addCondition')}
            </button>
            <button type="button" className="link" onClick={() => onChange((r) => addChild(r, at, { all: [newLeaf('softwareRevenue', 'greaterThanInclusive', 0)] }))}>
              + {t('conditions.addGroup')}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

/** The builder for the condition stored at `path` in the rule set. */
export function ConditionBuilder({ path }: { path: JsonPath }) {
  const { rs, doc, readOnly } = useEditor();
  if (!rs) return null;
  const cond = getAt(rs, path) as Condition | undefined;
  if (!cond) return null;
  const onChange = (fn: (root: Condition) => Condition) =>
    doc.edit((r) => {
      const cur = getAt(r, path) as Condition;
      try {
        return setConditionAt(r, path, fn(cur));
      } catch {
        return r;
      }
    });
  return (
    <div className="cond-builder">
      <Node root={cond} at={[]} onChange={onChange} readOnly={readOnly} />
    </div>
  );
}
