// A visual builder for json-rules-engine condition trees: all / any / not groups and leaves (fact, operator, value, another fact or a parameter).
// Nothing is chosen for the editor: switching a value to "another fact" or "a parameter", or adding a condition, waits for the person to pick one.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OPERATORS, type Condition, type LeafCondition, type Operator, type Parameter, type RuleSet } from '../../../engine/index.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { getAt, resolveValue, setConditionAt, type JsonPath } from '../model/ruleSetOps.js';
import { addChild, changeLeaf, childrenOf, newLeaf, nodeKind, removeNode, setGroupKind, unwrapNode, wrapNode, type NodePath } from '../model/conditionOps.js';
import { pick } from '../i18n/i18n.js';

type ValueKind = 'number' | 'text' | 'boolean' | 'list' | 'fact' | 'param';
const KINDS: ValueKind[] = ['number', 'text', 'boolean', 'list', 'fact', 'param'];

function valueKind(v: LeafCondition['value']): ValueKind {
  if (Array.isArray(v)) return 'list';
  if (v && typeof v === 'object') return 'fact' in v ? 'fact' : 'param';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  return 'text';
}

/** What a fact is, for choosing what it may sensibly be compared with. */
interface FactInfo {
  id: string;
  label: string;
  unit: string | null;
  kind: 'number' | 'boolean' | 'text';
  values?: { id: string; label: string }[];
}

function factInfos(rs: RuleSet, lang: string): FactInfo[] {
  return [
    ...rs.facts
      .filter((f) => f.type !== 'list')
      .map((f) => ({
        id: f.id,
        label: pick(f.label, lang),
        unit: f.unit ?? null,
        kind: (f.type === 'number' || f.type === 'integer' ? 'number' : f.type === 'boolean' ? 'boolean' : 'text') as FactInfo['kind'],
        values: f.type === 'enum' ? f.values?.map((v) => ({ id: v.id, label: pick(v.label, lang) })) : undefined,
      })),
    ...rs.derived.map((d) => ({ id: d.id, label: pick(d.label, lang), unit: d.unit ?? null, kind: 'number' as const })),
  ];
}

/** A literal that suits a fact's kind, for a new leaf or a leaf whose fact changed kind. */
function defaultValueFor(f: FactInfo | undefined): LeafCondition['value'] {
  if (!f) return 0;
  if (f.kind === 'boolean') return true;
  if (f.values) return f.values[0]?.id ?? '';
  if (f.kind === 'text') return '';
  return 0;
}

/** Whether a literal value fits a fact's kind (references keep their own check in the problems panel). */
function fits(f: FactInfo | undefined, v: LeafCondition['value']): boolean {
  if (!f || (v !== null && typeof v === 'object')) return true;
  if (f.kind === 'boolean') return typeof v === 'boolean';
  if (f.kind === 'number') return typeof v === 'number';
  return typeof v === 'string';
}

const paramKind = (p: Parameter) => (p.type === 'number' ? 'number' : p.type === 'boolean' ? 'boolean' : 'text');
const sameUnit = (f: FactInfo | undefined, kind: string, unit: string | null) => !!f && f.kind === kind && (f.kind !== 'number' || (f.unit ?? null) === unit);

function FactSelect({ value, facts, label, onChange, readOnly, placeholder, testId }: { value: string; facts: FactInfo[]; label: string; onChange(id: string): void; readOnly: boolean; placeholder?: string; testId?: string }) {
  const known = facts.some((f) => f.id === value);
  return (
    <select aria-label={label} value={value} disabled={readOnly} onChange={(e) => e.target.value && onChange(e.target.value)} data-testid={testId}>
      {placeholder !== undefined && (
        <option value="" disabled>
          {placeholder}
        </option>
      )}
      {!known && value && <option value={value}>{value}</option>}
      {facts.map((f) => (
        <option key={f.id} value={f.id}>
          {f.label}
          {f.unit ? `（${f.unit}）` : ''}
        </option>
      ))}
    </select>
  );
}

function Leaf({ c, at, onChange, readOnly }: { c: LeafCondition; at: NodePath; onChange(fn: (root: Condition) => Condition): void; readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const { rs, words } = useEditor();
  // A reference kind chosen but not yet pointed anywhere: shown with an empty picker, the document unchanged until a choice.
  const [pendingKind, setPendingKind] = useState<'fact' | 'param' | null>(null);
  if (!rs) return null;
  const lang = i18n.language;
  const facts = factInfos(rs, lang);
  const fact = facts.find((f) => f.id === c.fact);
  const kind = pendingKind ?? valueKind(c.value);
  const set = (patch: Partial<LeafCondition>) => onChange((root) => changeLeaf(root, at, patch));
  /** A literal of the chosen kind: the value the leaf compares with now, where it has one. */
  const literalFor = (k: ValueKind): LeafCondition['value'] => {
    const now = resolveValue(rs, c.value);
    if (k === 'number') return typeof now === 'number' ? now : 0;
    if (k === 'text') return typeof now === 'string' ? now : fact?.values?.[0]?.id ?? '';
    if (k === 'boolean') return typeof now === 'boolean' ? now : true;
    return typeof now === 'number' || typeof now === 'string' ? [now] : [];
  };
  const chooseKind = (k: ValueKind) => {
    if (k === valueKind(c.value)) return setPendingKind(null);
    if (k === 'fact' || k === 'param') return setPendingKind(k);
    setPendingKind(null);
    set({ value: literalFor(k) });
  };
  const paramOption = (p: Parameter) => `${pick(p.label, lang)} = ${words?.display(p) ?? String(p.value)}${p.unit && typeof p.value === 'number' ? ` ${p.unit}` : ''}`;
  const params = rs.parameters;
  const fitting = params.filter((p) => sameUnit(fact, paramKind(p), p.unit ?? null));
  const others = params.filter((p) => !fitting.includes(p));
  const fittingFacts = facts.filter((f) => f.id !== c.fact && sameUnit(fact, f.kind, f.unit));
  const otherFacts = facts.filter((f) => f.id !== c.fact && !fittingFacts.includes(f));
  const unitNote = fact?.kind === 'number' ? (fact.unit ? t('conditions.sameUnit', { unit: fact.unit }) : t('conditions.sameKind')) : t('conditions.sameKind');
  return (
    <div className="cond-leaf" data-testid="cond-leaf">
      <FactSelect
        value={c.fact}
        facts={facts}
        label={t('conditions.fact')}
        readOnly={readOnly}
        onChange={(id) => {
          const f = facts.find((x) => x.id === id);
          set(fits(f, c.value) ? { fact: id } : { fact: id, value: defaultValueFor(f) });
        }}
      />
      <select aria-label={t('conditions.operator')} value={c.operator} disabled={readOnly} onChange={(e) => set({ operator: e.target.value as Operator })}>
        {OPERATORS.map((o) => (
          <option key={o} value={o}>
            {t(`operators.${o}`)}
          </option>
        ))}
      </select>
      <select aria-label={t('conditions.valueKind')} value={kind} disabled={readOnly} onChange={(e) => chooseKind(e.target.value as ValueKind)}>
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`conditions.kinds.${k}`)}
          </option>
        ))}
      </select>
      {kind === 'number' && (
        <input type="number" aria-label={t('conditions.value')} readOnly={readOnly} value={c.value as number} onChange={(e) => e.target.value !== '' && set({ value: Number(e.target.value) })} />
      )}
      {kind === 'text' && fact?.values && typeof c.value === 'string' ? (
        <select aria-label={t('conditions.value')} disabled={readOnly} value={c.value} onChange={(e) => set({ value: e.target.value })}>
          {!fact.values.some((v) => v.id === c.value) && <option value={c.value}>{c.value}</option>}
          {fact.values.map((v) => (
            <option key={v.id} value={v.id}>
              {v.label}
            </option>
          ))}
        </select>
      ) : (
        kind === 'text' && <input type="text" aria-label={t('conditions.value')} readOnly={readOnly} value={c.value as string} onChange={(e) => set({ value: e.target.value })} />
      )}
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
        <select
          aria-label={t('conditions.otherFact')}
          disabled={readOnly}
          value={pendingKind === 'fact' ? '' : (c.value as { fact: string }).fact}
          onChange={(e) => {
            if (!e.target.value) return;
            setPendingKind(null);
            set({ value: { fact: e.target.value } });
          }}
          data-testid="pick-fact"
        >
          {pendingKind === 'fact' && (
            <option value="" disabled>
              {t('conditions.chooseFact')}
            </option>
          )}
          {fittingFacts.length > 0 && (
            <optgroup label={unitNote}>
              {fittingFacts.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                  {f.unit ? `（${f.unit}）` : ''}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label={t('conditions.otherFacts')}>
            {otherFacts.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
                {f.unit ? `（${f.unit}）` : ''}
              </option>
            ))}
          </optgroup>
        </select>
      )}
      {kind === 'param' && (
        <select
          aria-label={t('conditions.parameter')}
          disabled={readOnly}
          value={pendingKind === 'param' ? '' : (c.value as { param: string }).param}
          onChange={(e) => {
            if (!e.target.value) return;
            setPendingKind(null);
            set({ value: { param: e.target.value } });
          }}
          data-testid="pick-param"
        >
          {pendingKind === 'param' && (
            <option value="" disabled>
              {t('conditions.chooseParam')}
            </option>
          )}
          {fitting.length > 0 && (
            <optgroup label={unitNote}>
              {fitting.map((p) => (
                <option key={p.id} value={p.id}>
                  {paramOption(p)}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label={t('conditions.otherParams')}>
            {others.map((p) => (
              <option key={p.id} value={p.id}>
                {paramOption(p)}
              </option>
            ))}
          </optgroup>
        </select>
      )}
      {pendingKind && (
        <span className="pending-note small" role="status">
          {t('conditions.pendingChoice')}
        </span>
      )}
    </div>
  );
}

/** A condition being added: its fact is chosen first, and only then does it enter the document. */
function PendingLeaf({ asGroup, onPick, onCancel }: { asGroup: boolean; onPick(fact: string): void; onCancel(): void }) {
  const { t, i18n } = useTranslation();
  const { rs } = useEditor();
  if (!rs) return null;
  return (
    <div className="cond-node pending" data-testid="cond-leaf">
      <div className="cond-row">
        <div className="cond-leaf">
          {asGroup && <strong className="cond-kind">{t('conditions.all')}</strong>}
          <FactSelect value="" facts={factInfos(rs, i18n.language)} label={t('conditions.fact')} readOnly={false} placeholder={t('conditions.chooseFact')} onChange={onPick} testId="pending-fact" />
          <span className="pending-note small">{t('conditions.pendingFact')}</span>
          <button type="button" className="link" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}

function Node({ root, at, onChange, readOnly }: { root: Condition; at: NodePath; onChange(fn: (root: Condition) => Condition): void; readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const { rs, words } = useEditor();
  const [adding, setAdding] = useState<'leaf' | 'group' | null>(null);
  let c: Condition = root;
  for (const i of at) c = childrenOf(c)[i];
  const kind = nodeKind(c);
  const kids = childrenOf(c);
  const label = (l: LeafCondition['label']) => words?.label(l) ?? pick(l, i18n.language);
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
        {c.label && <div className="cond-label">{label(c.label)}</div>}
        <div className="cond-row">
          <Leaf c={c as LeafCondition} at={at} onChange={onChange} readOnly={readOnly} />
          {tools}
        </div>
      </div>
    );
  const add = (fact: string) => {
    const f = rs ? factInfos(rs, i18n.language).find((x) => x.id === fact) : undefined;
    const leaf = newLeaf(fact, f?.kind === 'number' ? 'greaterThanInclusive' : 'equal', defaultValueFor(f));
    onChange((r) => addChild(r, at, adding === 'group' ? { all: [leaf] } : leaf));
    setAdding(null);
  };
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
        {c.label && <span className="cond-label">{label(c.label)}</span>}
        {tools}
      </div>
      <div className="cond-children">
        {kids.map((_, i) => (
          <Node key={i} root={root} at={[...at, i]} onChange={onChange} readOnly={readOnly} />
        ))}
        {adding && <PendingLeaf asGroup={adding === 'group'} onPick={add} onCancel={() => setAdding(null)} />}
        {!readOnly && kind !== 'not' && !adding && (
          <div className="cond-add">
            <button type="button" className="link" onClick={() => setAdding('leaf')}>
              + {t('conditions.addCondition')}
            </button>
            <button type="button" className="link" onClick={() => setAdding('group')}>
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
