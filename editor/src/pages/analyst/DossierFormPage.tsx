// The dossier form generated from the facts the rule set declares: units, help text from the data dictionary, per-field checks and each figure's evidence (document, page, year).
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { useApi } from '../../auth/useAuth.js';
import { ApiError } from '../../api/client.js';
import { pick } from '../../i18n/i18n.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { VersionPicker } from '../../components/analyst/VersionPicker.js';
import type { Dossier, FactDef, Issue } from '../../../../engine/index.js';
import { analystApi } from './analystApi.js';
import { errorText, issueText } from '../../api/errorText.js';
import { unitLabel } from '../../components/analyst/labels.js';
import { formErrors, fromForm, sections, toForm, type FieldState, type FormState } from './dossierForm.js';

function Input({ f, s, onChange, lang, invalid }: { f: FactDef; s: FieldState; onChange(text: string): void; lang: string; invalid: boolean }) {
  const { t } = useTranslation();
  const common = { id: `fact-${f.id}`, 'data-testid': `fact-${f.id}`, 'aria-invalid': invalid, className: invalid ? 'invalid' : '' };
  if (f.type === 'boolean')
    return (
      <select {...common} value={s.text} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        <option value="true">{t('common.yes')}</option>
        <option value="false">{t('common.no')}</option>
      </select>
    );
  if (f.type === 'enum')
    return (
      <select {...common} value={s.text} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {(f.values ?? []).map((v) => (
          <option key={v.id} value={v.id}>
            {pick(v.label, lang)}
          </option>
        ))}
      </select>
    );
  if (f.type === 'list') return <textarea {...common} rows={4} className={`mono small ${invalid ? 'invalid' : ''}`} value={s.text} onChange={(e) => onChange(e.target.value)} />;
  return <input {...common} inputMode={f.type === 'number' || f.type === 'integer' ? 'decimal' : 'text'} value={s.text} onChange={(e) => onChange(e.target.value)} />;
}

export function DossierFormPage({ id }: { id: string | null }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [, navigate] = useLocation();
  const v = useAnalystVersion();
  const [dossier, setDossier] = useState<Dossier | null>(null);
  const [loaded, setLoaded] = useState(id === null);
  const [state, setState] = useState<FormState | null>(null);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverIssues, setServerIssues] = useState<Issue[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const lang = i18n.language;

  useEffect(() => {
    if (id === null) return;
    api.dossier(id).then(
      (d) => {
        setDossier(d.dossier);
        setLoaded(true);
      },
      (e) => setMessage(errorText(e, t)),
    );
  }, [api, id]);
  useEffect(() => {
    if (v.ruleSet && loaded) setState(toForm(v.ruleSet, dossier));
  }, [v.ruleSet, loaded, dossier]);

  const errors = useMemo(() => (v.ruleSet && state ? formErrors(v.ruleSet, state) : {}), [v.ruleSet, state]);
  if (!v.ruleSet || !state) return <p className="page-pad">{message ?? t('common.loading')}</p>;
  const rs = v.ruleSet;
  const set = (fid: string, patch: Partial<FieldState>) => {
    setState((s) => ({ ...s!, [fid]: { ...s![fid], ...patch } }));
    setTouched((x) => new Set(x).add(fid));
  };
  const errorCount = Object.keys(errors).length;

  async function save() {
    setTouched(new Set(rs.facts.map((f) => f.id)));
    if (errorCount > 0) return;
    setSaving(true);
    setMessage(null);
    try {
      const next = fromForm(rs, state!, dossier?.meta);
      const check = await analystApi.validateDossier(api, v.ref!, next);
      setServerIssues(check.issues);
      if (!check.valid) return;
      const saved = id === null ? await analystApi.createDossier(api, next) : await analystApi.saveDossier(api, id, next);
      setMessage(t('analyst.form.saved', { id: saved.id, revision: saved.revision }));
      if (id === null) navigate(`~/analyst/dossiers/${encodeURIComponent(saved.id)}/edit`);
      else setDossier(saved.dossier);
    } catch (e) {
      if (e instanceof ApiError) setServerIssues(e.issues);
      setMessage(errorText(e, t));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="page-pad analyst-page">
      <h1>{id ? t('analyst.form.editTitle', { id }) : t('analyst.form.newTitle')}</h1>
      <p className="hint">{t('analyst.form.hint')}</p>
      <div className="toolbar">
        <VersionPicker value={v.ref} refs={v.refs} inForce={v.inForce} onChange={v.setRef} />
        <span className="spacer" />
        <span className={errorCount ? 'badge bad' : 'badge ok'} data-testid="form-error-count">
          {errorCount ? t('analyst.form.errorCount', { count: errorCount }) : t('analyst.form.clean')}
        </span>
        <button type="button" className="primary" onClick={save} disabled={saving} data-testid="save-dossier">
          {t('analyst.form.save')}
        </button>
      </div>
      {message && (
        <p className="banner info" role="status" data-testid="form-message">
          {message}
        </p>
      )}
      {serverIssues.some((i) => i.severity !== 'warning') && (
        <ul className="banner error" data-testid="server-issues">
          {serverIssues
            .filter((i) => i.severity !== 'warning')
            .map((i, k) => (
              <li key={k}>{issueText(i, t)}</li>
            ))}
        </ul>
      )}
      {serverIssues.some((i) => i.severity === 'warning') && (
        <ul className="banner warn" data-testid="server-warnings">
          {serverIssues
            .filter((i) => i.severity === 'warning')
            .map((i, k) => (
              <li key={k} data-code={i.code}>
                {issueText(i, t)}
              </li>
            ))}
        </ul>
      )}
      {sections(rs).map((sec) => (
        <fieldset key={sec.group} className="card form-section">
          <legend>{t(`analyst.form.groups.${sec.group}`, { defaultValue: sec.group })}</legend>
          {sec.facts.map((f) => {
            const s = state[f.id];
            const err = touched.has(f.id) ? errors[f.id] : undefined;
            const numeric = f.type === 'number' || f.type === 'integer';
            return (
              <div key={f.id} className="form-row" data-testid={`row-${f.id}`}>
                <label htmlFor={`fact-${f.id}`} className="form-label">
                  {pick(f.label, lang)}
                  {f.required && <span className="bad"> *</span>}
                  {f.unit && <span className="muted small"> （{unitLabel(f.unit, t)}）</span>}
                  <span className="id block">{f.id}</span>
                </label>
                <div className="form-input">
                  <Input f={f} s={s} onChange={(text) => set(f.id, { text })} lang={lang} invalid={!!err} />
                  {f.help && (
                    // The data dictionary's help is rule-set text; its examples may be ids (如 nanjing).
                    <span className="muted small block" data-ascii-ok>
                      {pick(f.help, lang)}
                    </span>
                  )}
                  {f.discretionary && <span className="muted small block">{t('analyst.form.awardHint', { min: f.discretionary.min, max: f.discretionary.max, step: f.discretionary.step })}</span>}
                  {err && (
                    <span className="field-error" role="alert" data-testid={`error-${f.id}`} data-code={err.code}>
                      {t(`analyst.form.errors.${err.key}`, err.values ?? {})}
                    </span>
                  )}
                </div>
                {numeric && (
                  <div className="form-evidence" aria-label={t('analyst.form.evidence')}>
                    <input placeholder={t('analyst.form.document')} value={s.document} onChange={(e) => set(f.id, { document: e.target.value })} data-testid={`evidence-document-${f.id}`} aria-label={`${pick(f.label, lang)} · ${t('analyst.form.document')}`} />
                    <input placeholder={t('analyst.form.page')} value={s.page} onChange={(e) => set(f.id, { page: e.target.value })} className="narrow" aria-label={t('analyst.form.page')} />
                    <input placeholder={t('analyst.form.year')} value={s.year} onChange={(e) => set(f.id, { year: e.target.value })} className="narrow" aria-label={t('analyst.form.year')} />
                  </div>
                )}
              </div>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}
