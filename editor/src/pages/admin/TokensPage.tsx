// Access tokens: every token with its role, creator, expiry and state; create one (name, role, optional expiry), shown once with a copy button; revoke.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi, useAuth } from '../../auth/useAuth.js';
import type { CreatedToken, Role, TokenSummary } from '../../api/client.js';
import { keys, useTokens } from '../../api/queries.js';
import { errorText } from '../../api/errorText.js';
import { columnsFor, DataTable } from '../../components/DataTable.js';
import { QueryState } from '../../components/QueryState.js';
import { formatDateTime } from '../../model/format.js';
import { ActorName } from '../../components/ActorName.js';

const ROLES: Role[] = ['viewer', 'analyst', 'editor', 'admin'];
const col = columnsFor<TokenSummary>();

/** The expiry typed in a datetime-local field as an ISO timestamp (local time), or undefined when empty. */
function expiryIso(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

function CreatedBanner({ created, onDone }: { created: CreatedToken; onDone(): void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <div className="banner success" role="status" data-testid="token-created">
      <strong>{t('admin.tokens.createdTitle', { name: created.name })}</strong>
      <p className="small">{t('admin.tokens.createdOnce')}</p>
      <div className="secret-row">
        <input readOnly value={created.token} className="mono wide" data-testid="token-secret" onFocus={(e) => e.target.select()} aria-label={t('admin.tokens.secret')} />
        <button type="button" className="primary" onClick={copy} data-testid="copy-token">
          {t('admin.tokens.copy')}
        </button>
      </div>
      {copied && (
        <p className="small" data-testid="copy-result">
          {copied === 'yes' ? t('admin.tokens.copied') : t('admin.tokens.copyFailed')}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onDone} data-testid="token-created-done">
          {t('admin.tokens.done')}
        </button>
      </div>
    </div>
  );
}

export function TokensPage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { me } = useAuth();
  const qc = useQueryClient();
  const tokens = useTokens();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const create = useMutation({
    mutationFn: () => api.createToken({ name: name.trim(), role, ...(expires ? { expiresAt: expiryIso(expires) } : {}) }),
    onSuccess: (c) => {
      setCreated(c);
      setName('');
      setExpires('');
      void qc.invalidateQueries({ queryKey: keys.tokens });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeToken(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.tokens }),
  });
  const lang = i18n.language;
  const columns = useMemo(
    () => [
      col.accessor('name', { header: () => t('admin.tokens.name'), meta: { search: true }, cell: (c) => <span className="user-name">{c.getValue()}</span> }),
      col.accessor('role', { header: () => t('admin.tokens.role'), cell: (c) => t(`roles.${c.getValue()}`) }),
      col.accessor('createdAt', { header: () => t('admin.tokens.created'), cell: (c) => (
          <>
            {formatDateTime(c.getValue(), lang)} · <ActorName actor={c.row.original.createdBy} />
          </>
        ) }),
      col.accessor((r) => r.expiresAt ?? '', { id: 'expiresAt', header: () => t('admin.tokens.expires'), cell: (c) => (c.getValue() ? formatDateTime(c.getValue(), lang) : t('admin.tokens.never')) }),
      col.accessor('state', {
        header: () => t('admin.tokens.state'),
        cell: (c) => (
          <span className={`badge ${c.getValue() === 'live' ? 'ok' : 'bad'}`} data-testid={`token-state-${c.row.original.id}`}>
            {t(`admin.tokens.states.${c.getValue()}`)}
            {c.getValue() === 'revoked' && c.row.original.revokedAt ? ` ${formatDateTime(c.row.original.revokedAt, lang)}` : ''}
          </span>
        ),
      }),
      col.display({
        id: 'actions',
        header: () => '',
        cell: (c) =>
          c.row.original.state === 'live' && c.row.original.id !== me?.tokenId ? (
            <button
              type="button"
              className="danger"
              data-testid={`revoke-${c.row.original.id}`}
              onClick={() => window.confirm(t('admin.tokens.confirmRevoke', { name: c.row.original.name })) && revoke.mutate(c.row.original.id)}
            >
              {t('admin.tokens.revoke')}
            </button>
          ) : c.row.original.id === me?.tokenId ? (
            <span className="muted small">{t('admin.tokens.yours')}</span>
          ) : null,
      }),
    ],
    [t, lang, me?.tokenId, revoke],
  );
  const rows = (tokens.data ?? []).filter((x) => showRevoked || x.state === 'live');
  return (
    <div className="page-pad admin-page">
      <h1>{t('admin.tokens.title')}</h1>
      <p className="hint">{t('admin.tokens.hint')}</p>
      <form
        className="card toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        data-testid="token-form"
      >
        <label className="inline-field">
          <span>{t('admin.tokens.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-testid="token-name" />
        </label>
        <label className="inline-field">
          <span>{t('admin.tokens.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="token-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('admin.tokens.expiresOptional')}</span>
          <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} data-testid="token-expires" />
        </label>
        <button type="submit" className="primary" disabled={!name.trim() || create.isPending} data-testid="create-token">
          {t('admin.tokens.create')}
        </button>
      </form>
      {create.error && (
        <p className="field-error" role="alert" data-testid="token-error">
          {errorText(create.error, t)}
        </p>
      )}
      {revoke.error && <p className="field-error" role="alert">{errorText(revoke.error, t)}</p>}
      {created && <CreatedBanner created={created} onDone={() => setCreated(null)} />}
      <div className="toolbar">
        <label className="inline-field">
          <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} data-testid="show-revoked" />
          <span>{t('admin.tokens.showRevoked')}</span>
        </label>
      </div>
      <QueryState query={tokens}>
        <DataTable columns={columns} data={rows} testId="token-table" rowId={(r) => r.id} rowTestId="token-row-" initialSort={[{ id: 'createdAt', desc: true }]} />
      </QueryState>
    </div>
  );
}
