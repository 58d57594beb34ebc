// Seeding the store from rules/: published rule-set versions with their golden cases (every start), sample dossiers and the first admin token (first start on an empty store only).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { GoldenSuite } from '../engine/schema/golden.js';
import { Dossier } from '../engine/schema/dossier.js';
import type { EngineApi, GoldenCase, RuleSet } from './engine.js';
import type { Repository, WriteTx } from './store/repository.js';
import { addToken } from './auth.js';
import { appendAudit } from './audit.js';
import { periodsAfterPublishing } from './periods.js';
import { defaultDossierId } from './api/routes/dossiers.js';
import { dossierIndex } from './facts.js';

export interface SeedResult {
  /** The first admin token, when this start created it; print it once. */
  adminToken: string | null;
  imported: string[];
  samples: string[];
  warnings: string[];
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Clause ids of every policy corpus under rules/policy, by policy id. */
export async function loadClauseIds(rulesDir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const policy of await list(path.join(rulesDir, 'policy'))) {
    try {
      const clauses = (await readJson(path.join(rulesDir, 'policy', policy, 'clauses.json'))) as { id: string }[];
      out.set(policy, clauses.map((c) => c.id));
    } catch {
      // A policy folder without clauses.json has nothing to cite.
    }
  }
  return out;
}

/** Imports what rules/ publishes and, on the first start, the samples and an admin token. */
export async function seedStore(
  repo: Repository,
  engine: EngineApi,
  opts: { rulesDir: string; clauseIds: (policy: string) => Iterable<string>; now: string; samples?: boolean },
): Promise<SeedResult> {
  const warnings: string[] = [];
  const versions: { document: NonNullable<ReturnType<EngineApi['checkRuleSet']>['ruleSet']>; golden: GoldenCase[]; file: string }[] = [];
  for (const dir of await list(opts.rulesDir)) {
    if (dir === 'policy' || dir === 'samples') continue;
    for (const name of await list(path.join(opts.rulesDir, dir))) {
      if (!/^v[0-9]+\.json$/.test(name)) continue;
      const file = path.join(opts.rulesDir, dir, name);
      let doc: unknown;
      try {
        doc = await readJson(file);
      } catch (err) {
        warnings.push(`${file}: not JSON (${(err as Error).message}); skipped`);
        continue;
      }
      const policy = (doc as { policy?: unknown })?.policy;
      const checked = engine.checkRuleSet(doc, { clauseIds: opts.clauseIds(typeof policy === 'string' ? policy : '') });
      const errors = checked.issues.filter((i) => i.severity !== 'warning');
      if (!checked.ruleSet || errors.length > 0) {
        warnings.push(`${file}: ${errors.length} error(s), e.g. ${errors[0]?.code} at ${JSON.stringify(errors[0]?.path)}: ${errors[0]?.message}; skipped`);
        continue;
      }
      if (checked.ruleSet.status !== 'published') continue;
      let golden: GoldenCase[] = [];
      const goldenFile = file.replace(/\.json$/, '.golden.json');
      try {
        const suite = GoldenSuite.safeParse(await readJson(goldenFile));
        if (suite.success) golden = suite.data.cases;
        else warnings.push(`${goldenFile}: not a golden suite (${suite.error.issues[0]?.message}); version seeded without golden cases`);
      } catch {
        warnings.push(`${goldenFile}: missing; version seeded without golden cases`);
      }
      versions.push({ document: checked.ruleSet, golden, file });
    }
  }
  const samples: { id: string; dossier: Dossier }[] = [];
  for (const name of opts.samples === false ? [] : await list(path.join(opts.rulesDir, 'samples'))) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(opts.rulesDir, 'samples', name);
    try {
      const parsed = Dossier.safeParse(await readJson(file));
      if (!parsed.success) {
        warnings.push(`${file}: not a dossier (${parsed.error.issues[0]?.message}); skipped`);
        continue;
      }
      const id = defaultDossierId(parsed.data);
      if (!id.ok) warnings.push(`${file}: no cityId/period; skipped`);
      else samples.push({ id: id.id, dossier: parsed.data });
    } catch (err) {
      warnings.push(`${file}: not JSON (${(err as Error).message}); skipped`);
    }
  }

  return repo.transact(async (tx) => {
    const imported: string[] = [];
    for (const v of versions) {
      const contentHash = engine.ruleSetHash(v.document);
      const existing = (await tx.versions.list(v.document.id)).find((x) => x.version === v.document.version);
      if (existing) {
        if (existing.contentHash !== contentHash) warnings.push(`${v.file}: differs from the stored ${v.document.id}@${v.document.version} (${existing.contentHash}); the stored version is kept`);
        continue;
      }
      await tx.versions.insert({
        ruleSetId: v.document.id,
        version: v.document.version,
        contentHash,
        document: v.document,
        golden: v.golden,
        publishedAt: opts.now,
        publishedBy: 'seed',
        source: 'seed',
      });
      await appendAudit(tx, opts.now, { actor: 'seed', action: 'version.seed', target: `${v.document.id}@${v.document.version}`, before: null, after: contentHash, details: { file: path.basename(v.file) } });
      imported.push(`${v.document.id}@${v.document.version}`);
      await closePeriods(tx, v.document, opts.now);
    }
    const seededSamples: string[] = [];
    let adminToken: string | null = null;
    if ((await tx.seededAt()) === null) {
      for (const sample of samples) {
        if (await tx.dossiers.get(sample.id)) continue;
        const hash = engine.dossierHash(sample.dossier);
        await tx.dossiers.addRevision(sample.id, null, { revision: 1, hash, at: opts.now, by: 'seed', dossier: sample.dossier }, dossierIndex(sample.dossier));
        await appendAudit(tx, opts.now, { actor: 'seed', action: 'dossier.create', target: `dossier:${sample.id}`, before: null, after: hash, details: { revision: 1 } });
        seededSamples.push(sample.id);
      }
      // The first admin token, made once on an empty store; a store that has lost its admin tokens is recovered with `npm run admin:token`, never by minting one at start-up.
      if ((await tx.tokens.list()).length === 0) adminToken = (await addToken(tx, 'admin', 'admin', 'seed', opts.now)).secret;
      await tx.markSeeded(opts.now);
    }
    return { adminToken, imported, samples: seededSamples, warnings };
  });
}

/**
 * A seeded version that starts after others ends their periods the day before, as publishing does (metadata with a
 * version.close audit entry; the files stay as they are); one that starts before a stored later version ends before it.
 */
async function closePeriods(tx: WriteTx, doc: RuleSet, now: string): Promise<void> {
  const others = (await tx.versions.list(doc.id)).filter((x) => x.version !== doc.version);
  const p = periodsAfterPublishing(doc.effectiveFrom, others);
  const close = async (version: number, effectiveTo: string, before: string | null, by: number) => {
    await tx.versions.closePeriod(doc.id, version, effectiveTo, { version: by, at: now });
    await appendAudit(tx, now, { actor: 'seed', action: 'version.close', target: `${doc.id}@${version}`, before, after: effectiveTo, details: { by: `${doc.id}@${by}`, effectiveFrom: doc.effectiveFrom } });
  };
  for (const c of p.close) await close(c.version, c.effectiveTo, others.find((x) => x.version === c.version)!.effectiveTo, doc.version);
  if (p.newEffectiveTo && (doc.effectiveTo === null || doc.effectiveTo > p.newEffectiveTo)) {
    const next = others.filter((x) => x.effectiveFrom > doc.effectiveFrom).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1))[0];
    await close(doc.version, p.newEffectiveTo, doc.effectiveTo, next.version);
  }
}
