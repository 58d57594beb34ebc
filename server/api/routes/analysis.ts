// Routes for analysts: the dossier template and spreadsheet import/export, comparison export, parameter sweeps and interpretation flips on the fast path, and the per-city drill-down of a re-scoring.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as A from '../analysisSchemas.js';
import type { Dossier, Evaluation, I18nText, Issue } from '../../engine.js';
import type { ReadTx } from '../../store/repository.js';
import { factOf, type Services } from '../../services.js';
import { filterDossiers, reviseDossier } from './dossiers.js';
import { summary } from './evaluations.js';
import { exportCohort, type SheetIssue } from '../../spreadsheets/index.js';
import { checkLimit } from '../limits.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv; charset=utf-8';

const attachment = (name: string) => ({ 'Content-Disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9@._-]/g, '_')}"` });

/** Issues of a spreadsheet, as API issues whose path points at the cell: [sheet, row, column]. */
function cellIssues(issues: SheetIssue[]): Issue[] {
  return issues.map((i) => ({ code: i.code, path: [i.sheet, i.row, ...(i.column ? [i.column] : [])], message: i.message, ...(i.field ? { hint: i.field } : {}) }));
}

/** Latest revisions of the dossiers picked by ids or period (all when neither). */
async function pickDossiers(services: Services, tx: ReadTx, body: { dossierIds?: string[]; period?: number }): Promise<{ id: string; dossier: Dossier }[]> {
  if (body.dossierIds) return Promise.all(body.dossierIds.map(async (id) => ({ id, dossier: (await services.dossierRevision(tx, id)).rev.dossier })));
  return (await filterDossiers(tx, body.period === undefined ? {} : { period: body.period })).map((d) => ({ id: d.record.id, dossier: d.dossier }));
}

function sweepValues(body: z.infer<typeof A.SweepBody>): (number | string | boolean | null)[] {
  if (body.values) return body.values;
  if (body.from === undefined || body.to === undefined || body.steps === undefined)
    throw new ApiError('invalid_request', 'Give values, or from, to and steps', [{ code: 'missing_field', path: ['body', 'values'], message: 'values, or from + to + steps, are required' }]);
  const n = body.steps;
  // Rounded to millionths: finer values push the engine's fast path onto decimal arithmetic.
  return Array.from({ length: n }, (_, i) => Math.round((body.from! + ((body.to! - body.from!) * i) / (n - 1)) * 1e6) / 1e6);
}

/** A dossier as a spreadsheet carries it: no $schema, no empty meta lists (so an unchanged row counts as unchanged). */
function comparable(d: Dossier): Dossier {
  const { $schema: _s, meta, ...rest } = d;
  if (!meta) return rest as Dossier;
  const m = { ...meta };
  if (m.sources && m.sources.length === 0) delete m.sources;
  return { ...rest, ...(Object.keys(m).length ? { meta: m } : {}) } as Dossier;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** Items of two evaluations whose status or points differ, with the rule changes citing the same clauses. */
function moves(a: Evaluation, b: Evaluation, changes: { kind: string; id: string; text: I18nText; cites: string[] }[]): z.infer<typeof A.ItemMove>[] {
  type Item = { kind: z.infer<typeof A.ItemMove>['kind']; id: string; label: I18nText; cites: string[]; status: string; points: number | null; text: I18nText };
  const items = (e: Evaluation): Map<string, Item> => {
    const out = new Map<string, Item>();
    for (const st of e.stages) {
      if (st.kind === 'checks') for (const i of st.items) out.set(i.id, { kind: 'check', id: i.id, label: i.label, cites: i.cites, status: i.status, points: null, text: i.text });
      if (st.kind === 'score' || st.kind === 'bonus') out.set(st.id, { kind: 'stage', id: st.id, label: st.label, cites: st.cites, status: st.status, points: st.points.value, text: st.kind === 'bonus' ? st.text : st.label });
      if (st.kind === 'score') for (const i of st.items) out.set(i.id, { kind: 'indicator', id: i.id, label: i.label, cites: i.cites, status: 'scored', points: i.points.value, text: i.text });
      if (st.kind === 'bonus') for (const i of st.items) out.set(i.id, { kind: 'bonus', id: i.id, label: i.label, cites: i.cites, status: i.status, points: i.points.value, text: i.text });
      if (st.kind === 'outcome') for (const i of st.rules) out.set(i.id, { kind: 'outcome', id: i.id, label: i.label, cites: i.cites, status: i.status, points: null, text: i.text });
    }
    return out;
  };
  const ia = items(a);
  const ib = items(b);
  const out: z.infer<typeof A.ItemMove>[] = [];
  for (const [id, y] of ib) {
    const x = ia.get(id);
    const from = x ? { status: x.status, points: x.points, text: x.text } : { status: 'absent', points: null, text: { zh: '（无此项）', en: '(not in this version)' } };
    if (x && x.status === y.status && x.points === y.points) continue;
    const delta = y.points !== null || x?.points != null ? Number(((y.points ?? 0) - (x?.points ?? 0)).toFixed(6)) : null;
    const because = changes.filter((c) => c.id === id || c.cites.some((k) => y.cites.includes(k) || (y.kind === 'stage' && y.cites.some((yc) => k.startsWith(yc + '.'))))).map((c) => c.text);
    out.push({ kind: y.kind, id, label: y.label, cites: y.cites, from, to: { status: y.status, points: y.points, text: y.text }, delta, because });
  }
  return out;
}

export const analysisRoutes = (): RouteDef[] => [
  route({
    method: 'get',
    path: '/api/analysis/template',
    tag: 'Analysis',
    summary: 'The dossier import template (.xlsx) of a published version',
    description:
      'Sheet "档案 Dossiers": row 1 Chinese labels with units, row 2 English labels, row 3 fact ids (the machine key), one row per city and period from row 4; a sheet per list fact (named by its id) keyed by cityId + period; sheet "证据 Evidence" (document, page, year per figure); sheet "说明 Notes" (help text, unit, allowed values).',
    cost: 'heavy',
    role: 'viewer',
    query: A.TemplateQuery,
    response: { status: 200, description: 'The workbook', contentType: XLSX },
    errors: ['invalid_request', 'not_found', 'no_version_in_force'],
    handler: async ({ query, services }) => {
      const v = await services.repo.read((tx) => services.resolveRef(tx, query.ruleSet));
      const body = await services.compute.template(v.document);
      return { body, contentType: XLSX, headers: attachment(`dossier-template-${v.ruleSetId}@${v.version}.xlsx`) };
    },
  }),
  route({
    method: 'post',
    path: '/api/analysis/import',
    tag: 'Analysis',
    summary: 'Import dossiers from a filled template (.xlsx, base64) or CSV; all or nothing',
    description:
      'Every bad cell is reported (422 invalid_dossier; each issue\'s path is [sheet, row, column], its hint the fact id; `cells` repeats them with sheet, row, column and field). Only a clean file is stored, all rows in one transaction, each as a new revision of `${cityId}-${period}`. `dryRun=true` checks and stores nothing.',
    cost: 'heavy',
    role: 'analyst',
    query: A.ImportQuery,
    body: A.ImportBody,
    response: { status: 200, schema: A.ImportResponse, description: 'What was (or, in a dry run, would be) stored' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_dossier', 'payload_too_large', 'limit_exceeded', 'store_read_only'],
    handler: async ({ query, body, actor, services }) => {
      const v = await services.repo.read((tx) => services.resolveRef(tx, query.ruleSet));
      // Parsed in the worker pool; a workbook is checked against the zip caps before exceljs reads it.
      const read = await services.compute.readSheet(services.versionInput(v), body.format, body.content);
      if (!read.ok) throw new ApiError('invalid_dossier', `${read.issues.length} problem(s) in ${body.filename ?? 'the file'}; nothing was imported`, cellIssues(read.issues), { cells: read.issues });
      if (read.dossiers.length === 0) throw new ApiError('invalid_dossier', 'The file has no dossier rows', [{ code: 'empty_file', path: [], message: 'no rows below the header rows' }]);
      checkLimit(read.dossiers.length, services.limits.importRows, ['body', 'content'], 'Dossier rows in the file');
      const ids = read.rows.map((r) => `${r.cityId}-${r.period}`);
      const bad = ids.map((id, i) => ({ id, r: read.rows[i] })).filter((x) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(x.id));
      if (bad.length)
        throw new ApiError('invalid_dossier', 'Some city ids cannot name a dossier', bad.map((x) => ({ code: 'invalid_city_id', path: [x.r.sheet, x.r.row, 'A'], message: `"${x.r.cityId}" must be letters, digits, . _ -`, hint: 'cityId' })));
      const now = services.now();
      const by = services.actorName(actor);
      const plan = async (tx: ReadTx, write: ((id: string, d: Dossier) => Promise<number>) | null) => {
        const out = [];
        for (const [i, d] of read.dossiers.entries()) {
          const found = await tx.dossiers.get(ids[i]);
          const existing = found && !found.deleted ? found : null;
          const same = existing && services.engine.dossierHash(comparable((await tx.dossiers.revision(existing.id))!.dossier)) === services.engine.dossierHash(comparable(d));
          const action = !existing ? ('create' as const) : same ? ('unchanged' as const) : ('update' as const);
          const revision = write && action !== 'unchanged' ? await write(ids[i], d) : null;
          out.push({ id: ids[i], ...read.rows[i], action, revision });
        }
        return out;
      };
      const out = query.dryRun
        ? await services.repo.read((tx) => plan(tx, null))
        : await services.repo.transact((tx) => plan(tx, async (id, d) => (await reviseDossier(services, tx, id, d, by, now))!.latest.revision));
      return { body: { dryRun: query.dryRun ?? false, ruleSet: `${v.ruleSetId}@${v.version}`, dossiers: out, warnings: read.warnings } };
    },
  }),
  route({
    method: 'get',
    path: '/api/analysis/export',
    tag: 'Analysis',
    summary: 'Export stored dossiers in the template layout (.xlsx) or as CSV',
    cost: 'heavy',
    role: 'viewer',
    query: A.ExportQuery,
    response: { status: 200, description: 'The workbook or CSV', contentType: XLSX },
    errors: ['invalid_request', 'not_found', 'no_version_in_force'],
    handler: async ({ query, services }) => {
      const { v, list } = await services.repo.read(async (tx) => ({
        v: await services.resolveRef(tx, query.ruleSet),
        list: await pickDossiers(services, tx, { dossierIds: query.ids ? query.ids.split(',').filter(Boolean) : undefined, period: query.period }),
      }));
      const format = query.format ?? 'xlsx';
      const body = await services.compute.exportDossiers(v.document, list.map((d) => d.dossier), format);
      return { body, contentType: format === 'xlsx' ? XLSX : CSV, headers: attachment(`dossiers${query.period ? `-${query.period}` : ''}.${format}`) };
    },
  }),
  route({
    method: 'post',
    path: '/api/analysis/comparison/export',
    tag: 'Analysis',
    summary: 'Export a re-scoring comparison (the /api/batch answer) to .xlsx or CSV',
    description: 'One row per dossier; per version: total, verdict, title and rank; cells whose outcome changes are filled yellow in the workbook.',
    cost: 'heavy',
    role: 'analyst',
    body: A.ComparisonExportBody,
    response: { status: 200, description: 'The workbook or CSV', contentType: XLSX },
    errors: ['invalid_request', 'not_found'],
    handler: async ({ body, services }) => {
      const outcomes = body.ruleSet ? (await services.repo.read((tx) => services.resolveRef(tx, body.ruleSet!))).document.outcomes : undefined;
      const out = await services.compute.exportComparison(body.matrix, body.format, outcomes);
      return { body: out, contentType: body.format === 'xlsx' ? XLSX : CSV, headers: attachment(`comparison.${body.format}`) };
    },
  }),
  route({
    method: 'post',
    path: '/api/analysis/sweep',
    tag: 'Analysis',
    summary: 'Sweep one parameter over many values: how many cities pass at each, and which flip where (engine fast path)',
    cost: 'heavy',
    role: 'analyst',
    body: A.SweepBody,
    response: { status: 200, schema: A.SweepResponse, description: 'Pass counts per value, flips per city, and the outcome matrix' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_interpretation', 'invalid_dossier'],
    handler: async ({ body, services }) => {
      const values = sweepValues(body);
      const { v, list } = await services.repo.read(async (tx) => ({ v: await services.resolveRef(tx, body.ruleSet), list: await pickDossiers(services, tx, body) }));
      if (!list.length) throw new ApiError('not_found', 'No dossiers selected');
      checkLimit(list.length, services.limits.analysisDossiers, ['body', 'period'], 'Dossiers of the sweep');
      checkLimit(list.length * values.length, services.limits.sweepCells, ['body', 'values'], `Cells of the sweep (${list.length} dossiers × ${values.length} values)`);
      const t0 = performance.now();
      const out = await services.compute.sweep(services.versionInput(v, body.interpretations ?? {}), list.map((d) => d.dossier), body.parameter, values);
      const elapsedMs = Math.round((performance.now() - t0) * 10) / 10;
      // The matrix (the bulk of the answer) arrives as JSON text; only the rest is written here.
      const head = JSON.stringify({ ...out.head, points: out.points, flips: out.flips, elapsedMs, dossiers: list.length });
      return { json: `${head.slice(0, -1)},"matrix":${out.matrixJson}}` };
    },
  }),
  route({
    method: 'post',
    path: '/api/analysis/flips',
    tag: 'Analysis',
    summary: 'Flip each interpretation to each selectable alternative: how many pass, and who changes (engine fast path)',
    cost: 'heavy',
    role: 'analyst',
    body: A.FlipsBody,
    response: { status: 200, schema: A.FlipsResponse, description: 'One entry per alternative option' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_interpretation', 'invalid_dossier'],
    handler: async ({ body, services }) => {
      const { v, list } = await services.repo.read(async (tx) => ({ v: await services.resolveRef(tx, body.ruleSet), list: await pickDossiers(services, tx, body) }));
      if (!list.length) throw new ApiError('not_found', 'No dossiers selected');
      checkLimit(list.length, services.limits.analysisDossiers, ['body', 'period'], 'Dossiers of the flips');
      const t0 = performance.now();
      const out = await services.compute.flips(services.versionInput(v, body.interpretations ?? {}), list.map((d) => d.dossier));
      const elapsedMs = Math.round((performance.now() - t0) * 10) / 10;
      return { body: { baselinePassed: out.baselinePassed, flips: out.flips as z.infer<typeof A.FlipsResponse>['flips'], elapsedMs, dossiers: list.length } };
    },
  }),
  route({
    method: 'post',
    path: '/api/analysis/cohort/export',
    tag: 'Analysis',
    summary: 'Export a cohort answer (POST /api/cohort) to .xlsx',
    description: 'Sheets: the members (held, qualified, result, change, total, rank, reasons with clauses; changed titles filled), the titles, and the provenance.',
    role: 'analyst',
    body: A.CohortExportBody,
    response: { status: 200, description: 'The workbook', contentType: XLSX },
    errors: ['invalid_request', 'not_found'],
    handler: async ({ body, services }) => {
      const outcomes = body.ruleSet ? (await services.repo.read((tx) => services.resolveRef(tx, body.ruleSet!))).document.outcomes : undefined;
      const out = await exportCohort(body.answer, { outcomes });
      return { body: out, contentType: XLSX, headers: attachment(`cohort-${body.answer.ruleSetId}@${body.answer.version}-${body.answer.period}.xlsx`) };
    },
  }),
  route({
    method: 'post',
    path: '/api/analysis/report',
    tag: 'Analysis',
    summary: "A city's report under a version, without storing a new evaluation",
    description:
      'Reuses the newest stored evaluation of the same dossier with the same rule-set content hash, dossier hash, no interpretation switches and the current engine; ' +
      'when there is none the dossier is evaluated and the result returned without a record. Storing a decision record is an explicit POST /api/evaluations.',
    role: 'viewer',
    body: A.ReportBody,
    response: { status: 200, schema: A.ReportResponse, description: 'The evaluation, and the stored record it came from (or null)' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_dossier'],
    handler: async ({ body, services }) => {
      const engineVersion = services.engine.ENGINE_VERSION;
      const { v, rev, record } = await services.repo.read(async (tx) => {
        const v = await services.resolveRef(tx, body.ruleSet);
        const { rev } = await services.dossierRevision(tx, body.dossierId);
        const stored = (await tx.evaluations.list({ dossierId: body.dossierId, ruleSetId: v.ruleSetId, version: v.version }))
          .filter((e) => e.contentHash === v.contentHash && e.dossierHash === rev.hash && e.engineVersion === engineVersion && Object.keys(e.interpretations).length === 0)
          .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
        // The stored result is checked against its record's hash as it is read.
        const record = stored ? { ...summary(stored), now: stored.now, result: await tx.evaluations.result(stored) } : null;
        return { v, rev, record };
      });
      const base = { ruleSetId: v.ruleSetId, version: v.version, contentHash: v.contentHash, dossierId: body.dossierId, dossierRevision: rev.revision, dossierHash: rev.hash, engineVersion };
      if (record) return { body: { ...base, record, result: record.result } };
      const r = await services.compiled(v).evaluate(rev.dossier, { now: services.now() });
      if (!r.ok) throw new ApiError('invalid_dossier', 'The dossier cannot be evaluated under this version', r.issues);
      return { body: { ...base, record: null, result: r.evaluation } };
    },
  }),
  route({
    method: 'post',
    path: '/api/analysis/explain',
    tag: 'Analysis',
    summary: 'Drill-down of one city across versions (or drafts): full evaluations and, for each column against the first, which rule change moved which points',
    description: 'Nothing is stored. A rule change is linked to an item when it names the item or cites one of its clauses.',
    cost: 'heavy',
    role: 'analyst',
    body: A.ExplainBody,
    response: { status: 200, schema: A.ExplainResponse, description: 'Evaluations per column and the moves between consecutive columns' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force', 'invalid_interpretation', 'invalid_dossier'],
    handler: async ({ body, services }) => {
      const { dossier, versions } = await services.repo.read(async (tx) => {
        const dossier = (await services.dossierRevision(tx, body.dossierId)).rev.dossier;
        const versions = [];
        for (const c of body.columns) {
          if (!c.ruleSet.startsWith('draft-')) {
            versions.push(await services.resolveRef(tx, c.ruleSet));
            continue;
          }
          // A draft column (as in /api/batch): previewed under its current document, nothing stored.
          const d = await tx.drafts.get(c.ruleSet);
          if (!d) throw new ApiError('not_found', `No draft ${c.ruleSet}`);
          versions.push({ document: d.document, draft: d });
        }
        return { dossier, versions };
      });
      const now = services.now();
      const inputs = body.columns.map((c, i) => {
        const v = versions[i];
        return 'draft' in v ? services.draftInput(v.draft, c.interpretations ?? {}) : services.versionInput(v, c.interpretations ?? {});
      });
      const evaluations: Evaluation[] = await services.compute.evaluate(inputs, dossier, now);
      // The documents as evaluated: interpretation switches set parameters, so they are part of what changed.
      const documents = inputs.map((input, i) => {
        if (!input.interpretations || Object.keys(input.interpretations).length === 0) return versions[i].document;
        const applied = services.engine.applyInterpretations(versions[i].document, input.interpretations);
        return applied.ok ? applied.ruleSet : versions[i].document;
      });
      // Every column is compared with the first (the base), as the comparison table highlights it.
      const steps = documents.slice(1).map((doc, k) => {
        const prev = documents[0];
        const c = { ruleSet: doc };
        const cites = new Map<string, string[]>([...c.ruleSet.parameters, ...prev.parameters, ...c.ruleSet.interpretations].map((p) => [p.id, p.cites]));
        const changes = services.engine.diffRuleSets(prev, c.ruleSet);
        const linked = changes.map((x) => ({ kind: x.kind, id: x.id, text: x.text, cites: cites.get(x.id) ?? [] }));
        return { from: 0, to: k + 1, ruleChanges: linked.map(({ kind, id, text }) => ({ kind, id, text })), moves: moves(evaluations[0], evaluations[k + 1], linked) };
      });
      return { body: { dossierId: body.dossierId, evaluations, steps } };
    },
  }),
  route({
    method: 'get',
    path: '/api/analysis/dossiers',
    tag: 'Analysis',
    summary: 'Dossiers with their verdict under a version (fast path) and their latest stored evaluation',
    cost: 'heavy',
    role: 'viewer',
    query: A.AnalystDossierQuery,
    response: { status: 200, schema: z.array(A.AnalystDossier), description: 'One entry per dossier' },
    errors: ['invalid_request', 'not_found', 'no_version_in_force'],
    handler: async ({ query, services }) => {
      const { v, list, evals } = await services.repo.read(async (tx) => ({
        v: await services.resolveRef(tx, query.ruleSet),
        list: await filterDossiers(tx, query.period === undefined ? {} : { period: query.period }),
        evals: await tx.evaluations.list(),
      }));
      const verdicts = await services.compute.fast(services.versionInput(v), list.map((d) => d.dossier));
      const latest = new Map<string, (typeof evals)[number]>();
      for (const e of evals) if (e.dossierId && (!latest.has(e.dossierId) || latest.get(e.dossierId)!.createdAt <= e.createdAt)) latest.set(e.dossierId, e);
      return {
        body: list.map(({ record: d, dossier }, i) => {
          const rev = { ...d.latest, dossier };
          const fast = verdicts[i];
          const e = latest.get(d.id);
          const period = factOf(rev.dossier, 'period');
          return {
            id: d.id,
            revision: rev.revision,
            cityId: str(factOf(rev.dossier, v.document.subject.idFact)),
            cityName: str(factOf(rev.dossier, v.document.subject.nameFact)),
            province: str(factOf(rev.dossier, 'province')),
            period: typeof period === 'number' ? period : null,
            type: str(factOf(rev.dossier, v.document.subject.typeFact)),
            updatedAt: rev.at,
            verdict: fast.ok ? { ok: true, status: fast.status, title: fast.title, total: fast.total } : { ok: false, status: null, title: null, total: null, issues: fast.issues },
            lastEvaluation: e
              ? { id: e.id, createdAt: e.createdAt, ref: `${e.ruleSetId}@${e.version}`, status: e.outcome.status, title: e.outcome.title, total: e.outcome.total }
              : null,
            ...(query.full ? { dossier: rev.dossier } : {}),
          };
        }),
      };
    },
  }),
];
