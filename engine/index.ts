// The engine's public API: schemas, rule-set checking and compiling, evaluation, cohorts, diffs and golden cases; pure, isomorphic.
// Must not import node:*, express, lowdb, react or monaco (test/engine/purity.test.ts checks).
export * from './schema/common.js';
export * from './schema/condition.js';
export * from './schema/ruleSet.js';
export * from './schema/dossier.js';
export * from './schema/evaluation.js';
export * from './schema/golden.js';
export { ENGINE_VERSION, checkRuleSet, compileRuleSet, withParameters, evaluate, hasErrors, zodIssues, type CompiledRuleSet, type PreparedDossier } from './ruleSets.js';
export { ruleSetHash, dossierHash, canonicalJson, hashOf } from './core/hash.js';
export { migrate } from './migrate.js';
export { evaluateCohort } from './cohort.js';
export { applyInterpretations } from './interpretations.js';
export { diffRuleSets, type RuleSetChange } from './diff.js';
export { runGoldenCases, type GoldenReport } from './golden.js';
export { ruleSetJsonSchema, dossierJsonSchema } from './jsonSchema.js';
export { clauseCoverage, type ClauseCoverage } from './coverage.js';
export { sweepParameter, sweepSlice, joinSweep, flipInterpretations, type SweepResult, type SweepPoint, type SweepSlice, type FlipResult } from './sensitivity.js';
export { parameterValueIssues } from './semantic.js';
export { readable } from './core/text.js';
export { fillParameters } from './core/compile.js';
