// The data layer of the pages: TanStack Query hooks over the ApiClient, so loading, errors, retries and the cache are handled once instead of in every page.
import { QueryClient, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useApi } from '../auth/useAuth.js';
import { ApiError, type AuditFilter, type ApiClient } from './client.js';
import type { RuleSet } from '../../../engine/index.js';
import { analystApi } from '../pages/analyst/analystApi.js';

/** One client for the app: answers stay fresh for half a minute; a failure is retried twice unless the server said no (4xx). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
        retryDelay: (n) => Math.min(400 * 2 ** n, 3000),
      },
    },
  });
}

/** Query keys, one place, so a mutation can invalidate what it changed. */
export const keys = {
  ruleSets: ['rulesets'] as const,
  versions: (id: string) => ['rulesets', id, 'versions'] as const,
  document: (ref: string) => ['rulesets', 'document', ref] as const,
  inForce: (id: string, date: string) => ['rulesets', id, 'in-force', date] as const,
  drafts: ['drafts'] as const,
  analystDossiers: (ref: string, full: boolean) => ['analysis', 'dossiers', ref, full] as const,
  report: (ref: string, dossierId: string) => ['analysis', 'report', ref, dossierId] as const,
  clauses: (policy: string) => ['clauses', policy] as const,
  tokens: ['tokens'] as const,
  audit: (f: AuditFilter) => ['audit', f] as const,
};

/** A query through the signed-in ApiClient. */
function useApiQuery<T>(key: readonly unknown[], fn: (api: ApiClient) => Promise<T>, opts: { enabled?: boolean; staleTime?: number } = {}): UseQueryResult<T, Error> {
  const api = useApi();
  return useQuery({ queryKey: [...key], queryFn: () => fn(api), enabled: opts.enabled ?? true, ...(opts.staleTime !== undefined ? { staleTime: opts.staleTime } : {}) });
}

export const useRuleSets = () => useApiQuery(keys.ruleSets, (api) => api.ruleSets());
export const useVersions = (id: string) => useApiQuery(keys.versions(id), (api) => api.versions(id));
export const useDrafts = () => useApiQuery(keys.drafts, (api) => api.drafts());
/** A published version's document by ref ("sfc-2017@1"); documents never change, so they are kept for the session. */
export const useRuleSetDocument = (ref: string | null) =>
  useApiQuery<RuleSet>(
    keys.document(ref ?? ''),
    async (api) => {
      const [id, v] = ref!.split('@');
      return (await api.version(id, Number(v))).document;
    },
    { enabled: !!ref, staleTime: Infinity },
  );
export const useInForce = (id: string | undefined, date: string) => useApiQuery(keys.inForce(id ?? '', date), (api) => api.inForce(id!, date), { enabled: !!id });
export const useAnalystDossiers = (ref: string | null, full = false) => useApiQuery(keys.analystDossiers(ref ?? '', full), (api) => analystApi.dossiers(api, ref!, { full }), { enabled: !!ref });
export const useReport = (ref: string | null, dossierId: string) => useApiQuery(keys.report(ref ?? '', dossierId), (api) => analystApi.report(api, ref!, dossierId), { enabled: !!ref });
export const useTokens = () => useApiQuery(keys.tokens, (api) => api.tokens());
export const useAudit = (f: AuditFilter) => useApiQuery(keys.audit(f), (api) => api.audit(f), { staleTime: 5_000 });
export const useClauseList = (policy: string | undefined) => useApiQuery(keys.clauses(policy ?? ''), (api) => api.clauses(policy!), { enabled: !!policy, staleTime: Infinity });
