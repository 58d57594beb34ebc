// Spreadsheet import and export for analysts (exceljs): dossier template, dossier import/export and comparison export.
export { buildTemplate, exportDossiers, readWorkbook, readCsv, type SheetIssue, type ReadResult, type DossierChecker } from './dossierBook.js';
export { exportComparison, type ComparisonMatrix } from './comparison.js';
export { SHEETS, HEADER_ROWS, dossierColumns, listColumns, columnLetter } from './columns.js';
