// What every section of the rule-set editor shares: the document, its checks, the selected item and the jump target.
import { createContext } from 'react';
import type { Issue, RuleSet } from '../../../../engine/index.js';
import type { RuleSetDocument } from '../../hooks/useRuleSetDocument.js';
import type { Checks } from '../../hooks/useChecks.js';
import type { JsonPath } from '../../model/ruleSetOps.js';
import type { ParameterWords } from '../../model/labels.js';

export interface Selection {
  /** JSON path of the selected item, e.g. ['parameters', 0]. */
  path: JsonPath;
  cites: string[];
}

export interface EditorState {
  doc: RuleSetDocument;
  checks: Checks;
  /** The schema-valid rule set the visual views render (null while the JSON does not match the schema). */
  rs: RuleSet | null;
  /** The version the draft is based on, to show what changed (null for an original version or while loading). */
  base: RuleSet | null;
  readOnly: boolean;
  selection: Selection | null;
  select(s: Selection): void;
  /** Issues whose path lies at or under a path. */
  issuesAt(path: JsonPath): Issue[];
  /** Labels with their placeholders filled, enum options by name, parameter descriptions (null while the JSON does not match the schema). */
  words: ParameterWords | null;
  /** Set by the problems panel: the path the active view should reveal (changes nonce on each click). */
  focus: { path: JsonPath; nonce: number } | null;
}

export const EditorContext = createContext<EditorState | null>(null);
