// When published versions are in force: the checks on a new version's effective date, and the periods it closes; pure (dates are ISO days, compared as text).
import type { Issue } from './engine.js';

/** A version's period as the store records it: the document's start, and its end (the document's, or the day before a later version took over). */
export interface Period {
  version: number;
  effectiveFrom: string;
  effectiveTo: string | null;
}

/** The ISO day before `day`. */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The ISO day after `day`. */
export function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The first day of a new version when the request names none: the next day, or the base version's start if that is later. */
export function defaultEffectiveFrom(today: string, base: Period): string {
  const next = dayAfter(today);
  return base.effectiveFrom > next ? base.effectiveFrom : next;
}

/** Why a new version of a rule set may not start on `day`: only before the start of the version it is based on. Paths point at the request's field. */
export function effectiveDateIssues(day: string, base: Period): Issue[] {
  if (day >= base.effectiveFrom) return [];
  return [{ code: 'effective_before_base', path: ['body', 'effectiveFrom'], message: `${day} is before ${base.effectiveFrom}, when the version this draft is based on (${base.version}) took effect`, hint: `choose ${base.effectiveFrom} or later` }];
}

/**
 * What publishing a version that starts on `day` does to the periods: every version in force on or after that day that
 * started then or earlier ends the day before (its record is closed; its document, and so its content hash, stays as it
 * is; one that starts that very day is replaced before it takes effect), and the new version itself ends the day before
 * the next later start, if there is one.
 */
export function periodsAfterPublishing(day: string, versions: readonly Period[]): { close: { version: number; effectiveTo: string }[]; newEffectiveTo: string | null } {
  const before = dayBefore(day);
  const close = versions.filter((v) => v.effectiveFrom <= day && (v.effectiveTo === null || v.effectiveTo >= day)).map((v) => ({ version: v.version, effectiveTo: before }));
  const later = versions.filter((v) => v.effectiveFrom > day).map((v) => v.effectiveFrom).sort();
  return { close, newEffectiveTo: later.length ? dayBefore(later[0]) : null };
}
