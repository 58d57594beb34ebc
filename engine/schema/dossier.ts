// The zod schema of a dossier's envelope and of one fact value with its evidence; facts themselves are checked per rule set.
import { z } from 'zod';

export const Evidence = z
  .object({
    document: z.string().min(1).describe('Document the figure is taken from'),
    page: z.union([z.number().int().positive(), z.string().min(1)]).optional(),
    year: z.number().int().optional(),
  })
  .strict();
export type Evidence = z.infer<typeof Evidence>;

export const Scalar = z.union([z.number(), z.string(), z.boolean()]);

/** A fact value with where it comes from: `{value, evidence?, source?, illustrative?}`. */
export const WrappedValue = z
  .object({
    value: z.unknown(),
    evidence: Evidence.optional(),
    source: z.string().optional().describe('Published source of the figure'),
    illustrative: z.boolean().optional().describe('True: an illustrative value, not a published figure'),
  })
  .strict();
export type WrappedValue = z.infer<typeof WrappedValue>;

export const DossierMeta = z
  .object({
    title: z.string().optional(),
    notes: z.string().optional(),
    illustrative: z.boolean().optional().describe('True: values without a source are illustrative'),
    sources: z.array(z.string()).optional(),
  })
  .strict();

/** A dossier: the facts a subject submits (and evaluators add) for one evaluation. */
export const Dossier = z
  .object({
    $schema: z.string().optional(),
    dossierFormat: z.literal(1).default(1),
    facts: z.record(z.string(), z.unknown()).describe('Facts by id; dotted ids may be nested objects'),
    meta: DossierMeta.optional(),
  })
  .strict()
  .describe('A city dossier');
export type Dossier = z.infer<typeof Dossier>;
export type DossierInput = z.input<typeof Dossier>;
