// Re-baselining one golden case: its expectation becomes the engine's current result, limited to the fields it already checked.
import { GoldenCase } from '../engine/schema/golden.js';

type Case = GoldenCase;

function pickLike(expected: unknown, actual: unknown): unknown {
  // Keep the shape of what the case checked: the same keys of records, the actual value elsewhere.
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) out[key] = pickLike((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key]);
    return out;
  }
  return actual === undefined ? null : actual;
}

/** The case with its expectation replaced by `actual` (as reported by runGoldenCases), or why that is impossible. */
export function rebaselineCase(c: Case, actual: unknown): { ok: true; case: Case } | { ok: false; message: string } {
  if (actual === null || typeof actual !== 'object') return { ok: false, message: `Case ${c.id}: the engine reported no result to take` };
  const a = actual as Record<string, unknown>;
  let expect: unknown;
  if (c.kind === 'single') {
    const rejected = a.rejected ?? (a.issues && !a.outcome ? { codes: (a.issues as { code: string }[]).map((i) => i.code) } : undefined);
    if (rejected) expect = { rejected: 'rejected' in c.expect ? { ...c.expect.rejected, ...(rejected as object) } : rejected };
    else {
      const outcome = (a.outcome ?? a) as Record<string, unknown>;
      expect = 'outcome' in c.expect ? { outcome: pickLike(c.expect.outcome, outcome) } : { outcome: { status: outcome.status, title: outcome.title ?? null } };
    }
  } else {
    const members = (a.members ?? a) as Record<string, unknown> | unknown[];
    const byId: Record<string, unknown> = Array.isArray(members)
      ? Object.fromEntries(members.map((m) => [(m as { subjectId: string }).subjectId, m]))
      : members;
    expect = { members: pickLike(c.expect.members, byId) };
  }
  const parsed = GoldenCase.safeParse({ ...c, expect });
  if (!parsed.success) return { ok: false, message: `Case ${c.id}: the current result does not fit the case's expectation (${parsed.error.issues[0]?.message})` };
  return { ok: true, case: parsed.data };
}
