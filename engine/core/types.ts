// Type names the engine's modules share, all inferred from the zod schemas (no hand-kept twins).
export type {
  RuleSet,
  Stage,
  ChecksStage,
  ScoreStage,
  BonusStage,
  OutcomeStage,
  BonusItem,
  IndicatorItem,
  CheckItem,
  Requirement,
  DerivedFact,
  DossierCheck,
  Unit,
  FactDef,
  Formula,
  Outcome,
  OutcomeRule,
  Parameter,
  ParameterValue,
  Interpretation,
} from '../schema/ruleSet.js';
export type { NumOrParam as NumOrParamT } from '../schema/common.js';
