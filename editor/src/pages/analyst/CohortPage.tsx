// Cohort and dynamic evaluation for a period: every city evaluated, the cap and promotion/demotion applied, the resulting titles and each change against the title held before, with its reason and clause; export to .xlsx.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../auth/useAuth.js';
import { pick } from '../../i18n/i18n.js';
import { useAnalystDossiers, useClauseList } from '../../api/queries.js';
import { errorText } from '../../api/errorText.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { VersionPicker } from '../../components/analyst/VersionPicker.js';
import { FilterSelect, periodOptions, useDownload } from '../../components/analyst/Toolbar.js';
import { columnsFor, DataTable } from '../../components/DataTable.js';
import { fmt, outcomeLabel } from '../../components/analyst/labels.js';
import { analystApi, type CohortAnswer } from './analystApi.js';

type Member = CohortAnswer['result']['members'][number];
const col = columnsFor<Member>();

/** "（2）：临城、渝州" / " (2): Lincheng, Yuzhou": a count and the names, in the language's punctuation. */
function countedList(names: string[], lang: string): string {
  const list = names.length ? names : ['—'];
  return lang.startsWith('en') ? ` (${names.length}): ${list.join(', ')}` : `（${names.length}）：${list.join('、')}`;
}
const CHANGE_CLASS: Record<string, string> = { promoted: 'ok', awarded: 'ok', kept: '', demoted: 'warn', 'over-cap': 'warn', 'not-passed': 'bad', revoked: 'bad', undecided: 'warn' };

export function CohortPage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const lang = i18n.language;
  const v = useAnalystVersion();
  const list = useAnalystDossiers(v.ref);
  const clauseList = useClauseList(v.ruleSet?.policy);
  const clauseText = (id: string) => clauseList.data?.find((c) => c.id === id)?.text_zh ?? '';
  const periods = periodOptions(list.data ?? []);
  const [picked, setPeriod] = useState('');
  const period = picked || (periods.at(-1)?.value ?? '');
  const [mode, setMode] = useState<'dynamic' | 'award'>('dynamic');
  const run = useMutation({ mutationFn: () => analystApi.cohort(api, v.ref!, Number(period), mode) });
  const download = useDownload();
  const r = run.data?.result;
  const tiers = [...(v.ruleSet?.outcomes ?? [])].filter((o) => o.rank > 0).sort((a, b) => b.rank - a.rank);

  /** The clauses a reason cites (their text on hover) and the interpretations it rests on, named by their question. */
  function Reasons({ cites, interpretations }: { cites: string[]; interpretations?: string[] }) {
    return (
      <>
        {cites.map((id) => (
          <abbr key={id} className="mono muted" title={clauseText(id)}>
            {id}{' '}
          </abbr>
        ))}
        {(interpretations ?? []).map((id) => {
          const it = v.ruleSet?.interpretations.find((x) => x.id === id);
          return it ? (
            <span key={id} className="kind-tag" title={pick(it.options.find((o) => o.id === it.chosen)?.label ?? it.question, lang)}>
              {t('analyst.cohort.reading', { question: pick(it.question, lang) })}
            </span>
          ) : null;
        })}
      </>
    );
  }

  const columns = useMemo(
    () => [
      col.accessor('name', { header: () => t('analyst.common.city'), meta: { search: true } }),
      col.accessor('held', { header: () => t('analyst.cohort.held'), cell: (c) => outcomeLabel(v.ruleSet, c.getValue(), lang) }),
      col.accessor((m) => m.qualified ?? '', { id: 'qualified', header: () => t('analyst.cohort.qualified'), cell: (c) => outcomeLabel(v.ruleSet, c.getValue() || null, lang) }),
      col.accessor((m) => m.result ?? '', {
        id: 'result',
        header: () => t('analyst.cohort.result'),
        cell: (c) => {
          const m = c.row.original;
          return m.result !== null ? (
            <strong>{outcomeLabel(v.ruleSet, m.result, lang)}</strong>
          ) : (
            <span data-testid={`possible-${m.subjectId}`}>{t('analyst.cohort.possible', { list: (m.possible ?? []).map((o) => outcomeLabel(v.ruleSet, o, lang)).join(lang.startsWith('en') ? ' / ' : '／') })}</span>
          );
        },
      }),
      col.accessor('change', {
        header: () => t('analyst.cohort.change'),
        cell: (c) => <span className={`badge ${CHANGE_CLASS[c.getValue()] ?? ''}`}>{t(`analyst.cohort.changeKinds.${c.getValue()}`, { defaultValue: t('analyst.cohort.changeOther') })}</span>,
      }),
      col.accessor((m) => m.total ?? -1, {
        id: 'total',
        header: () => t('analyst.compare.total'),
        cell: (c) => {
          const m = c.row.original;
          return (
            <>
              {m.total !== null ? fmt(m.total) : m.totalRange ? `${fmt(m.totalRange.lo)}–${m.totalRange.hi === null ? '∞' : fmt(m.totalRange.hi)}` : '—'}
              {m.rank !== null && <span className="muted small"> {t('analyst.cohort.rankN', { rank: m.rank })}</span>}
              {m.rank === null && m.rankRange && <span className="muted small"> {t('analyst.cohort.rankN', { rank: `${m.rankRange.lo}–${m.rankRange.hi}` })}</span>}
            </>
          );
        },
      }),
      col.display({
        id: 'reasons',
        header: () => t('analyst.cohort.reason'),
        meta: { className: 'small wide-cell' },
        cell: (c) =>
          c.row.original.reasons.map((x, k) => (
            <div key={k}>
              {pick(x.text, lang)} <Reasons cites={x.cites} interpretations={x.interpretations} />
            </div>
          )),
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, lang, v.ruleSet, clauseList.data],
  );

  return (
    <div className="page-pad analyst-page">
      <h1>{t('analyst.cohort.title')}</h1>
      <p className="hint">{t('analyst.cohort.hint')}</p>
      <div className="toolbar">
        <VersionPicker value={v.ref} refs={v.refs} inForce={v.inForce} onChange={v.setRef} />
        <FilterSelect label={t('analyst.common.period')} value={period} options={periods} onChange={setPeriod} testId="cohort-period" />
        <FilterSelect
          label={t('analyst.cohort.mode')}
          value={mode}
          options={[
            { value: 'dynamic', label: t('analyst.cohort.dynamic') },
            { value: 'award', label: t('analyst.cohort.award') },
          ]}
          onChange={(m) => setMode(m as 'dynamic' | 'award')}
          testId="cohort-mode"
        />
        <button type="button" className="primary" onClick={() => run.mutate()} disabled={!period || !v.ref || run.isPending} data-testid="run-cohort">
          {t('analyst.cohort.run')}
        </button>
        <span className="spacer" />
        <button type="button" onClick={() => run.data && download.run(() => analystApi.exportCohort(api, run.data!, v.ref ?? undefined))} disabled={!run.data || download.busy} data-testid="export-cohort-xlsx">
          {t('analyst.cohort.exportXlsx')}
        </button>
      </div>
      {run.isPending && <p className="muted">{t('common.loading')}</p>}
      {(run.error || download.error) && (
        <p className="field-error" role="alert">
          {run.error ? errorText(run.error, t) : download.error}
        </p>
      )}
      {r && (
        <>
          <section className="card" data-testid="cohort-titles">
            <h2>{t('analyst.cohort.titles', { period: r.period })}</h2>
            {tiers.map((o) => (
              <p key={o.id}>
                <strong>{pick(o.label, lang)}</strong>
                {countedList((r.titles[o.id] ?? []).map((id) => r.members.find((m) => m.subjectId === id)?.name ?? id), lang)}
              </p>
            ))}
            {(r.undecided?.length ?? 0) > 0 && (
              <p data-testid="cohort-undecided">
                <strong>{t('analyst.cohort.undecided')}</strong>
                {countedList(r.undecided!.map((id) => r.members.find((m) => m.subjectId === id)?.name ?? id), lang)}
              </p>
            )}
            {r.cap && (
              <div className={r.cap.status === 'within' ? 'muted' : 'banner warn'} data-testid="cohort-cap" data-status={r.cap.status}>
                {r.cap.reasons.map((x, k) => (
                  <p key={k}>
                    {pick(x.text, lang)} <Reasons cites={x.cites} interpretations={x.interpretations} />
                  </p>
                ))}
              </div>
            )}
          </section>
          <section className="card">
            <h2>{t('analyst.cohort.changes')}</h2>
            <DataTable
              columns={columns}
              data={r.members}
              testId="cohort-table"
              rowId={(m) => m.subjectId}
              rowTestId="member-"
              rowProps={(m) => ({ 'data-change': m.change })}
            />
            <p className="muted small">
              {r.provenance.ruleSetId}@{r.provenance.version} · <span className="mono">{r.provenance.contentHash.slice(0, 20)}…</span>
            </p>
          </section>
        </>
      )}
    </div>
  );
}
