// A text choice given literally or by a parameter (StrOrParam / BoolOrParam): a reference is edited through its parameter.
import { useTranslation } from 'react-i18next';
import { useEditor } from '../pages/editor/useEditor.js';
import { getAt, setAt, setParameterValue, type JsonPath } from '../model/ruleSetOps.js';

export function ChoiceField({ path, options, label, testId }: { path: JsonPath; options: { value: string | boolean; label: string }[]; label: string; testId?: string }) {
  const { t } = useTranslation();
  const { rs, doc, readOnly, words } = useEditor();
  if (!rs) return null;
  const v = getAt(rs, path) as string | boolean | { param: string } | undefined;
  const ref = v && typeof v === 'object' ? v.param : null;
  const param = ref ? rs.parameters.find((p) => p.id === ref) : undefined;
  const cur = ref ? param?.value : v;
  return (
    <span className="value-field">
      <select
        aria-label={label}
        data-testid={testId}
        disabled={readOnly}
        value={String(cur)}
        onChange={(e) => {
          const o = options.find((x) => String(x.value) === e.target.value);
          if (!o) return;
          doc.edit((r) => (ref ? setParameterValue(r, ref, o.value) : setAt(r, path, o.value)));
        }}
      >
        {options.map((o) => (
          <option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
      {ref && (
        <span className="param-ref" title={t('value.viaParameter', { name: words?.parameterLabel(ref) ?? ref })}>
          {t('value.parameter')}: {words?.parameterLabel(ref) ?? ref}
        </span>
      )}
    </span>
  );
}
