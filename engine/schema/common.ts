// Shared zod building blocks for rule sets, dossiers and evaluations; imports nothing from node, server or editor.
import { z } from 'zod';

/** Bilingual text: Chinese first, English beside it. */
export const I18nText = z
  .object({
    zh: z.string().min(1).describe('Chinese text (primary)'),
    en: z.string().min(1).describe('English text'),
  })
  .strict()
  .describe('Text in Chinese and English');
export type I18nText = z.infer<typeof I18nText>;

/** Clause ids of the policy text, e.g. "I1.1", "M2.4.4". */
export const Cites = z
  .array(z.string().regex(/^[NMI][0-9.]+$/, 'a clause id such as I1.1 or M2.4.4'))
  .describe('Clause ids of the policy text this item implements');

/** Kebab-case id with a kind prefix, e.g. "gate:industry-scale". */
export const PrefixedId = z
  .string()
  .regex(/^[a-z]+:[a-z0-9]+(-[a-z0-9]+)*$/, 'kind-prefixed kebab-case id such as gate:industry-scale');

/** Identifier of a parameter or fact: letters, digits, dots for nesting. */
export const Ident = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'an identifier such as softwareRevenue or expertScores.innovation');

/** A reference to a parameter of the rule set. */
export const ParamRef = z
  .object({ param: Ident.describe('Parameter id') })
  .strict()
  .describe('Reference to a parameter of the rule set');
export type ParamRef = z.infer<typeof ParamRef>;

/** A number given literally or by a parameter. */
export const NumOrParam = z.union([z.number(), ParamRef]);
export type NumOrParam = z.infer<typeof NumOrParam>;

/** A string given literally or by a parameter. */
export const StrOrParam = z.union([z.string(), ParamRef]);
export type StrOrParam = z.infer<typeof StrOrParam>;

/** A boolean given literally or by a parameter. */
export const BoolOrParam = z.union([z.boolean(), ParamRef]);
export type BoolOrParam = z.infer<typeof BoolOrParam>;

/** One problem found in authored input: rule set, dossier or request. */
export const Issue = z
  .object({
    code: z.string().describe('snake_case issue code'),
    path: z.array(z.union([z.string(), z.number()])).describe('JSON path of the offending value'),
    message: z.string(),
    hint: z.string().optional(),
    severity: z.enum(['error', 'warning']).optional(),
    text: I18nText.optional().describe('The message in Chinese and English, where the rule set words it'),
    cites: Cites.optional(),
  })
  .strict();
export type Issue = z.infer<typeof Issue>;
