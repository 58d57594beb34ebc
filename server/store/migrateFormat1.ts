// Store format 1 → 2: documents, golden cases, dossier revisions and evaluation results become content-addressed blobs; the audit log is re-sealed with the keyed chain and the evaluations enter it.
import { createHash } from 'node:crypto';
import { canonical } from '../canonical.js';
import type { Dossier, GoldenCase, RuleSet } from '../engine.js';
import type { AuditEntry, StoredEvaluation, StoredToken } from './repository.js';
import { blobAddress, evaluationAudit, type DossierRow, type DraftRow, type Rows, type VersionRow } from './core.js';
import { chainEntry, headMac, keyId } from '../audit.js';
import { dossierIndex } from '../facts.js';

/** The state file of format 1, as the store before format 2 wrote it. */
export interface Format1State {
  storeFormat: 1;
  seededAt: string | null;
  counters: Record<string, number>;
  versions: { ruleSetId: string; version: number; contentHash: string; document: RuleSet; golden: GoldenCase[]; publishedAt: string; publishedBy: string; source: 'seed' | 'api' }[];
  drafts: ({ id: string; document: RuleSet; golden: GoldenCase[] } & Record<string, unknown>)[];
  dossiers: { id: string; deleted: boolean; revisions: { revision: number; hash: string; at: string; by: string; dossier: Dossier }[] }[];
  evaluations: (Omit<StoredEvaluation, 'resultHash'> & { blobKey: string })[];
  tokens: StoredToken[];
  audit: AuditEntry[];
}

const MISSING = 'sha256:' + '0'.repeat(64);

/** The seq of the first entry of a format-1 log (unkeyed sha256 chain) that does not verify, or null. */
export function verifyFormat1Audit(entries: readonly AuditEntry[]): number | null {
  let prevHash: string | null = null;
  for (const e of entries) {
    const { hash, ...body } = e;
    if (e.prevHash !== prevHash || 'sha256:' + createHash('sha256').update(canonical(body) ?? '', 'utf8').digest('hex') !== hash) return e.seq;
    prevHash = hash;
  }
  return null;
}

/**
 * Converts a format-1 state. The old chain is checked first: entries up to the first that does not verify are
 * re-sealed with the key (token entries lose the hash of the token's secret they carried); from there on they are
 * copied unchanged, so the new chain fails where the old one did and the store opens read-only, as it should.
 */
export async function migrateFormat1(
  old: Format1State,
  opts: { key: Buffer; readOldBlob: (key: string) => Promise<string | null>; now: string },
): Promise<{ rows: Rows; blobs: Map<string, string>; brokenAt: number | null; missingResults: string[] }> {
  const blobs = new Map<string, string>();
  const put = (value: unknown) => {
    const text = JSON.stringify(value);
    const a = blobAddress(text);
    blobs.set(a, text);
    return a;
  };
  const versions: VersionRow[] = old.versions.map((v) => ({
    ruleSetId: v.ruleSetId,
    version: v.version,
    contentHash: v.contentHash,
    title: v.document.title,
    effectiveFrom: v.document.effectiveFrom,
    effectiveTo: v.document.effectiveTo,
    basedOn: v.document.basedOn,
    changelog: v.document.changelog.find((c) => c.version === v.version) ?? null,
    goldenCount: v.golden.length,
    goldenHash: put(v.golden),
    publishedAt: v.publishedAt,
    publishedBy: v.publishedBy,
    source: v.source,
    documentBlob: put(v.document),
  }));
  const drafts: DraftRow[] = old.drafts.map(({ document, golden, ...rest }) => ({ ...(rest as Omit<DraftRow, 'documentBlob' | 'goldenHash' | 'goldenCount'>), goldenCount: golden.length, goldenHash: put(golden), documentBlob: put(document) }));
  const dossiers: DossierRow[] = old.dossiers.map((d) => {
    const revisions = d.revisions.map(({ dossier, ...meta }) => ({ ...meta, blob: put(dossier) }));
    const last = d.revisions.at(-1)!;
    const { dossier: _d, ...latest } = last;
    return { id: d.id, deleted: d.deleted, latest, ...dossierIndex(last.dossier), revisions };
  });
  const missingResults: string[] = [];
  const evaluations: StoredEvaluation[] = [];
  for (const { blobKey, ...e } of old.evaluations) {
    const text = await opts.readOldBlob(blobKey);
    let resultHash = MISSING;
    if (text !== null) {
      resultHash = blobAddress(text);
      blobs.set(resultHash, text);
    } else missingResults.push(e.id);
    evaluations.push({ ...e, resultHash });
  }

  const brokenAt = verifyFormat1Audit(old.audit);
  const audit: AuditEntry[] = [];
  for (const e of old.audit) {
    if (brokenAt !== null && e.seq >= brokenAt) {
      audit.push(e);
      continue;
    }
    const { seq: _s, prevHash: _p, hash: _h, ...input } = e;
    const secretHash = e.action === 'token.create' || e.action === 'token.revoke';
    const sealed = chainEntry(opts.key, audit.at(-1) ?? null, { ...input, ...(secretHash ? { before: null, after: null } : {}) });
    audit.push(sealed);
  }
  if (brokenAt === null) {
    for (const rec of evaluations) audit.push(chainEntry(opts.key, audit.at(-1) ?? null, { ...evaluationAudit(rec), at: opts.now, actor: 'store migration' }));
    const legacyHead = old.audit.at(-1)?.hash ?? null;
    audit.push(
      chainEntry(opts.key, audit.at(-1) ?? null, {
        at: opts.now,
        actor: 'store migration',
        action: 'store.migrate',
        target: 'store',
        before: legacyHead,
        after: null,
        details: { fromFormat: 1, toFormat: 2, entriesResealed: old.audit.length, evaluationsRecorded: evaluations.length, missingResults },
      }),
    );
  }
  const last = audit.at(-1);
  return {
    rows: {
      seededAt: old.seededAt,
      keyId: keyId(opts.key),
      counters: { ...old.counters },
      versions,
      drafts,
      dossiers,
      evaluations,
      tokens: old.tokens,
      audit,
      head: last ? { seq: last.seq, hash: last.hash, mac: headMac(opts.key, last) } : null,
    },
    blobs,
    brokenAt,
    missingResults,
  };
}
