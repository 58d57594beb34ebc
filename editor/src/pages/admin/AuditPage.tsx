// The audit log: filter by actor, action, object and day; each entry with what it changed (before → after, the semantic changes of a draft edit, the diff a publication made); the hash chain's status on top, a broken chain as an alarm.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../auth/useAuth.js';
import type { AuditEntry, AuditFilter, Change } from '../../api/client.js';
import { useAudit } from '../../api/queries.js';
import { errorText } from '../../api/errorText.js';
import { pick } from '../../i18n/i18n.js';
import { columnsFor, DataTable } from '../../components/DataTable.js';
import { QueryState } from '../../components/QueryState.js';
import { ActorName } from '../../components/ActorName.js';
import { formatDateTime, shortHash } from '../../model/format.js';

/** The actions the log knows, grouped by the object they act on (the filter offers the group or one action). */
const ACTIONS = ['version.seed', 'version.publish', 'draft.create', 'draft.update', 'draft.delete', 'draft.golden.replace', 'draft.golden.rebaseline', 'dossier.create', 'dossier.update', 'dossier.delete', 'token.create', 'token.revoke'];
const FAMILIES = ['version.', 'draft.', 'dossier.', 'token.'];
const col = columnsFor<AuditEntry>();

/** A change list in the UI language. */
function Changes({ changes, testId }: { changes: Change[]; testId?: string }) {
  const { t, i18n } = useTranslation();
  if (!changes.length) return <span className="muted">{t('admin.audit.noChanges')}</span>;
  return (
    <ul className="change-list small" data-testid={testId}>
      {changes.map((c, k) => (
        <li key={k}>
          <span className="kind-tag">{t(`compare.kinds.${c.kind}`, { defaultValue: t('admin.audit.otherKind') })}</span> {pick(c.text, i18n.language)}
        </li>
      ))}
    </ul>
  );
}

/** What a publication changed against the version it was based on, loaded when opened. */
function PublishDiff({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const api = useApi();
  const [ruleSetId, version] = entry.target.split('@');
  const basedOn = String(entry.details?.basedOn ?? '');
  const [baseId, baseVersion] = basedOn.split('@');
  const diff = useQuery({ queryKey: ['audit-diff', entry.target, basedOn], queryFn: () => api.diff(ruleSetId, baseVersion, version), enabled: baseId === ruleSetId && !!baseVersion, staleTime: Infinity });
  if (baseId !== ruleSetId) return null;
  if (diff.isError) return <span className="field-error">{errorText(diff.error, t)}</span>;
  if (!diff.data) return <span className="muted">{t('common.loading')}</span>;
  return <Changes changes={diff.data} testId={`publish-changes-${entry.seq}`} />;
}

/** The entry's details in words. */
function Details({ entry }: { entry: AuditEntry }) {
  const { t, i18n } = useTranslation();
  const d = (entry.details ?? {}) as Record<string, unknown>;
  const lines: string[] = [];
  if (typeof d.name === 'string') lines.push(t('admin.audit.d.name', { name: d.name }));
  if (typeof d.role === 'string') lines.push(t('admin.audit.d.role', { role: t(`roles.${d.role}`) }));
  if (typeof d.expiresAt === 'string') lines.push(t('admin.audit.d.expires', { at: formatDateTime(d.expiresAt, i18n.language) }));
  if (typeof d.revision === 'number') lines.push(t('admin.audit.d.revision', { n: d.revision }));
  if (typeof d.from === 'string') lines.push(t('admin.audit.d.from', { ref: d.from }));
  if (typeof d.basedOn === 'string') lines.push(t('admin.audit.d.basedOn', { ref: d.basedOn }));
  if (typeof d.draft === 'string') lines.push(t('admin.audit.d.draft', { id: d.draft }));
  if (typeof d.reason === 'string') lines.push(t('admin.audit.d.reason', { reason: d.reason }));
  if (Array.isArray(d.cases)) lines.push(t('admin.audit.d.cases', { count: d.cases.length, ids: d.cases.join('、') }));
  
  const changelog = d.changelog as { zh: string; en: string } | undefined;
  if (changelog?.zh) lines.push(t('admin.audit.d.changelog', { note: pick(changelog, i18n.language) }));
  const changes = Array.isArray(d.changes) ? (d.changes as Change[]) : null;
  return (
    <div className="small">
      <div className="mono muted" title={`${entry.before ?? '—'} → ${entry.after ?? '—'}`}>
        {shortHash(entry.before)} → {shortHash(entry.after)}
      </div>
      {lines.map((l, k) => (
        <div key={k}>{l}</div>
      ))}
      {typeof d.file === 'string' && (
        <div>
          {t('admin.audit.d.fileLabel')}
          <span className="mono">{d.file}</span>
        </div>
      )}
      {changes && (
        <details data-testid={`audit-changes-${entry.seq}`}>
          <summary>{t('admin.audit.changes', { count: changes.length })}</summary>
          <Changes changes={changes} />
        </details>
      )}
      {entry.action === 'version.publish' && (
        <details data-testid={`audit-publish-${entry.seq}`}>
          <summary>{t('admin.audit.publishDiff', { ref: String(d.basedOn ?? '') })}</summary>
          <PublishDiff entry={entry} />
        </details>
      )}
    </div>
  );
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [form, setForm] = useState<AuditFilter>({});
  const [applied, setApplied] = useState<AuditFilter>({});
  const audit = useAudit(applied);
  const columns = useMemo(
    () => [
      col.accessor('seq', { header: () => t('admin.audit.seq') }),
      col.accessor('at', { header: () => t('admin.audit.at'), cell: (c) => formatDateTime(c.getValue(), lang) }),
      col.accessor('actor', { header: () => t('admin.audit.actor'), meta: { search: true }, cell: (c) => <ActorName actor={c.getValue()} /> }),
      col.accessor('action', { header: () => t('admin.audit.action'), cell: (c) => t(`admin.actions.${c.getValue()}`, { defaultValue: t('admin.actions.other') }) }),
      col.accessor('target', { header: () => t('admin.audit.object'), cell: (c) => <span className="mono small">{c.getValue().replace(/^dossier:/, '')}</span> }),
      col.display({ id: 'details', header: () => t('admin.audit.details'), cell: (c) => <Details entry={c.row.original} /> }),
    ],
    [t, lang],
  );
  const set = (k: keyof AuditFilter, v: string) => setForm((f) => ({ ...f, [k]: v || undefined }));
  const r = audit.data;
  return (
    <div className="page-pad admin-page">
      <h1>{t('admin.audit.title')}</h1>
      <p className="hint">{t('admin.audit.hint')}</p>
      {r &&
        (r.intact ? (
          <p className="banner success" role="status" data-testid="chain-status" data-intact="true">
            {t('admin.audit.intact', { count: r.total ?? r.entries.length })}
          </p>
        ) : (
          <div className="banner error alarm" role="alert" data-testid="chain-status" data-intact="false">
            <strong>{t('admin.audit.brokenTitle')}</strong>
            <p>{r.brokenAt ? t('admin.audit.brokenAt', { seq: r.brokenAt }) : t('admin.audit.broken')}</p>
          </div>
        ))}
      <form
        className="card toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(form);
        }}
        data-testid="audit-filter"
      >
        <label className="inline-field">
          <span>{t('admin.audit.actor')}</span>
          <input value={form.actor ?? ''} onChange={(e) => set('actor', e.target.value)} data-testid="filter-actor" />
        </label>
        <label className="inline-field">
          <span>{t('admin.audit.action')}</span>
          <select value={form.action ?? ''} onChange={(e) => set('action', e.target.value)} data-testid="filter-action">
            <option value="">{t('admin.audit.allActions')}</option>
            {FAMILIES.map((f) => (
              <optgroup key={f} label={t(`admin.families.${f.slice(0, -1)}`)}>
                <option value={f}>{t('admin.audit.everyIn', { family: t(`admin.families.${f.slice(0, -1)}`) })}</option>
                {ACTIONS.filter((a) => a.startsWith(f)).map((a) => (
                  <option key={a} value={a}>
                    {t(`admin.actions.${a}`)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('admin.audit.object')}</span>
          <input value={form.target ?? ''} onChange={(e) => set('target', e.target.value)} placeholder={t('admin.audit.objectHint')} data-testid="filter-target" />
        </label>
        <label className="inline-field">
          <span>{t('admin.audit.since')}</span>
          <input type="date" value={form.since ?? ''} onChange={(e) => set('since', e.target.value)} data-testid="filter-since" />
        </label>
        <label className="inline-field">
          <span>{t('admin.audit.until')}</span>
          <input type="date" value={form.until ?? ''} onChange={(e) => set('until', e.target.value)} data-testid="filter-until" />
        </label>
        <button type="submit" className="primary" data-testid="apply-filter">
          {t('admin.audit.apply')}
        </button>
        <button
          type="button"
          onClick={() => {
            setForm({});
            setApplied({});
          }}
        >
          {t('admin.audit.clear')}
        </button>
      </form>
      <QueryState query={audit}>
        <p className="muted small" data-testid="audit-count">
          {t('admin.audit.shown', { count: r?.entries.length ?? 0, total: r?.matching ?? r?.entries.length ?? 0 })}
        </p>
        <DataTable columns={columns} data={r?.entries ?? []} testId="audit-table" rowId={(e) => String(e.seq)} rowTestId="audit-row-" initialSort={[{ id: 'seq', desc: true }]} rowProps={(e) => ({ 'data-action': e.action })} />
      </QueryState>
    </div>
  );
}
