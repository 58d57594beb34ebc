// What a page shows while its data loads or when loading failed (with a retry), so no page writes its own loading and error state.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UseQueryResult } from '@tanstack/react-query';
import { errorText } from '../api/errorText.js';

/** Children once `query` has data; before that a loading line, after a failure the localized error and a retry button. */
export function QueryState({ query, children, testId }: { query: Pick<UseQueryResult<unknown, Error>, 'isPending' | 'isError' | 'error' | 'refetch' | 'fetchStatus'>; children: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  if (query.isError)
    return (
      <div className="banner error" role="alert" data-testid={testId ? `${testId}-error` : 'query-error'}>
        {errorText(query.error, t)}{' '}
        <button type="button" onClick={() => void query.refetch()}>
          {t('common.retry')}
        </button>
      </div>
    );
  if (query.isPending) return query.fetchStatus === 'idle' ? null : <p className="muted">{t('common.loading')}</p>;
  return <>{children}</>;
}
