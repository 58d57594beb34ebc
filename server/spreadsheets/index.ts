// Spreadsheet import and export for analysts (exceljs): dossier template, dossier import/export, comparison and cohort export.
export { buildTemplate, exportDossiers, readWorkbook, readCsv, type SheetIssue, type ReadResult, type DossierChecker } from './dossierBook.js';
export { exportComparison, type ComparisonMatrix } from './comparison.js';
export { exportCohort, type CohortAnswer } from './cohort.js';
export { SHEETS, HEADER_ROWS, dossierColumns, listColumns, columnLetter } from './columns.js';
