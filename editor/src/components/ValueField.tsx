// A number given literally or by a parameter (NumOrParam): a parameter reference is edited through its parameter, so every rule citing it agrees.
import { useTranslation } from 'react-i18next';
import type { NumOrParam } from '../../../engine/index.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { getAt, setNumOrParam, type JsonPath } from '../model/ruleSetOps.js';
import { pick } from '../i18n/i18n.js';
import { NumberInput } from './NumberInput.js';

export function ValueField({ path, label, testId }: { path: JsonPath; label: string; testId?: string }) {
  const { t, i18n } = useTranslation();
  const { rs, doc, readOnly } = useEditor();
  if (!rs) return null;
  const v = getAt(rs, path) as NumOrParam | undefined;
  const param = v && typeof v === 'object' ? rs.parameters.find((p) => p.id === v.param) : undefined;
  const value = param ? (typeof param.value === 'number' ? param.value : null) : typeof v === 'number' ? v : null;
  return (
    <span className="value-field">
      <NumberInput
        value={value}
        min={param?.min}
        max={param?.max}
        ariaLabel={label}
        testId={testId}
        readOnly={readOnly}
        onChange={(n) => n !== null && doc.edit((r) => setNumOrParam(r, path, n))}
      />
      {param?.unit && <span className="unit">{param.unit}</span>}
      {param && (
        <span className="param-ref" title={t('value.viaParameter', { name: pick(param.label, i18n.language) })}>
          {t('value.parameter')}: {pick(param.label, i18n.language)}
        </span>
      )}
    </span>
  );
}
