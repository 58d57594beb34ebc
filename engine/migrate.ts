// Upgrades rule-set documents of older format versions to the current one, by pure steps; a document from the future is refused.
import type { Issue } from './schema/common.js';
import { FORMAT_VERSION } from './schema/ruleSet.js';

/** One step per format version: migrations[n] turns a version-n document into version n + 1. */
const migrations: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

/** Brings a rule-set document to the current format version. */
export function migrate(doc: unknown): { ok: true; doc: unknown } | { ok: false; issues: Issue[] } {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, issues: [{ code: 'invalid_type', path: [], message: 'a rule set must be a JSON object', severity: 'error' }] };
  }
  let d = doc as Record<string, unknown>;
  let v = d.formatVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    return { ok: false, issues: [{ code: 'invalid_format_version', path: ['formatVersion'], message: `formatVersion must be an integer from 1 to ${FORMAT_VERSION}`, severity: 'error' }] };
  }
  if (v > FORMAT_VERSION) {
    return { ok: false, issues: [{ code: 'unsupported_format_version', path: ['formatVersion'], message: `formatVersion ${v} is newer than this engine supports (${FORMAT_VERSION})`, severity: 'error' }] };
  }
  while (v < FORMAT_VERSION) {
    const step = migrations[v];
    if (!step) return { ok: false, issues: [{ code: 'unsupported_format_version', path: ['formatVersion'], message: `no migration from formatVersion ${v}`, severity: 'error' }] };
    d = { ...step(d), formatVersion: v + 1 };
    v += 1;
  }
  return { ok: true, doc: d };
}
