// Messages between the sensitivity page and its Web Worker.
import type { FlipResult, ParameterValue, RuleSet, SweepResult } from '../../../engine/index.js';

export type SensitivityRequest =
  | { id: number; kind: 'sweep'; ruleSet: RuleSet; interpretations?: Record<string, string>; dossiers: unknown[]; replicateTo?: number; parameter: string; values: ParameterValue[] }
  | { id: number; kind: 'flips'; ruleSet: RuleSet; interpretations?: Record<string, string>; dossiers: unknown[]; replicateTo?: number };

export type SensitivityReply =
  | { id: number; kind: 'sweep'; result: SweepResult; elapsedMs: number; dossiers: number; values: number }
  | { id: number; kind: 'flips'; baselinePassed: number; flips: FlipResult[]; elapsedMs: number; dossiers: number }
  | { id: number; kind: 'error'; message: string };

/**
 * Evenly spaced values from `from` to `to`, both included, rounded to millionths: the engine's fast path computes in
 * scaled integers of millionths and falls back to decimal arithmetic (about ten times slower) for finer values.
 */
export function range(from: number, to: number, steps: number): number[] {
  if (steps < 2) return [from];
  return Array.from({ length: steps }, (_, i) => Math.round((from + ((to - from) * i) / (steps - 1)) * 1e6) / 1e6);
}
