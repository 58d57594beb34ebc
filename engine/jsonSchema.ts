// JSON Schemas generated from the zod schemas, for Monaco, the API document and external tools.
import { z } from 'zod';
import { RuleSet } from './schema/ruleSet.js';
import type { CompiledRuleSet } from './ruleSets.js';

/** JSON Schema of a rule-set document, generated from the zod schema. */
export function ruleSetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(RuleSet, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** JSON Schema of a dossier under one rule set (its declared facts), generated from the zod schema. */
export function dossierJsonSchema(compiled: CompiledRuleSet): Record<string, unknown> {
  return z.toJSONSchema(compiled.dossierSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
