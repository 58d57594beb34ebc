// The zod schema of conditions in json-rules-engine's format (all / any / not, fact, operator, value); pure, no I/O.
import { z } from 'zod';
import { I18nText, Ident, ParamRef } from './common.js';

/** Operators available in conditions: json-rules-engine's built-ins. */
export const OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
] as const;
export const Operator = z.enum(OPERATORS).describe('json-rules-engine operator');
export type Operator = z.infer<typeof Operator>;

/** Right-hand side of a comparison: a literal, another fact (json-rules-engine `{fact}`), or a parameter. */
export const ConditionValue = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.array(z.union([z.number(), z.string()])),
  z.object({ fact: Ident.describe('Fact compared against') }).strict(),
  ParamRef,
]);
export type ConditionValue = z.infer<typeof ConditionValue>;

export const LeafCondition = z
  .object({
    fact: Ident.describe('Fact read (declared or derived)'),
    operator: Operator,
    value: ConditionValue,
    label: I18nText.optional(),
  })
  .strict();
export type LeafCondition = z.infer<typeof LeafCondition>;

export type Condition =
  | LeafCondition
  | { all: Condition[]; label?: I18nText }
  | { any: Condition[]; label?: I18nText }
  | { not: Condition; label?: I18nText };

/** A condition tree: a leaf comparison or all / any / not of sub-conditions. */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    LeafCondition,
    z.object({ all: z.array(Condition).min(1), label: I18nText.optional() }).strict(),
    z.object({ any: z.array(Condition).min(1), label: I18nText.optional() }).strict(),
    z.object({ not: Condition, label: I18nText.optional() }).strict(),
  ]),
).describe('Condition in json-rules-engine format');

export function isLeaf(c: Condition): c is LeafCondition {
  return (c as LeafCondition).fact !== undefined;
}
