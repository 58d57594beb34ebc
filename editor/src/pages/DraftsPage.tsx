// Drafts in progress: who changed them last, what they are based on; open one to continue, or delete it.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useApi, useAuth } from '../auth/useAuth.js';
import type { DraftSummary } from '../api/client.js';

export function DraftsPage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { can } = useAuth();
  const [drafts, setDrafts] = useState<DraftSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.drafts().then(setDrafts, (e) => setError(e.message));
  useEffect(() => {
    void load();
  }, [api]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="page-pad">
      <h1>{t('nav.drafts')}</h1>
      <p className="hint">{t('drafts.hint')}</p>
      {error && <p className="field-error">{error}</p>}
      {drafts && drafts.length === 0 && <p className="muted">{t('drafts.none')}</p>}
      {drafts && drafts.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>{t('drafts.id')}</th>
              <th>{t('drafts.basedOn')}</th>
              <th>{t('drafts.revision')}</th>
              <th>{t('drafts.updated')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {drafts.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link href={`/drafts/${d.id}`}>{d.id}</Link>
                </td>
                <td>
                  {d.basedOn.id}@{d.basedOn.version}
                </td>
                <td>{d.revision}</td>
                <td>
                  {new Date(d.updatedAt).toLocaleString(i18n.language)} · {d.updatedBy}
                </td>
                <td>
                  <Link href={`/drafts/${d.id}`} className="button">
                    {t('library.open')}
                  </Link>{' '}
                  {can('editor') && (
                    <button
                      type="button"
                      className="danger"
                      onClick={async () => {
                        if (!window.confirm(t('drafts.confirmDelete', { id: d.id }))) return;
                        try {
                          await api.deleteDraft(d.id, d.etag);
                          await load();
                        } catch (e) {
                          setError((e as Error).message);
                        }
                      }}
                    >
                      {t('drafts.delete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
