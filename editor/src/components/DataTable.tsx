// The one table of the pages, on TanStack Table: sortable headers (click, then click again to reverse), a text search and per-column filters, header groups; rows keep their test ids and classes.
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  columnFilteringFeature,
  createColumnHelper,
  createFilteredRowModel,
  createSortedRowModel,
  filterFn_equalsString,
  filterFn_includesString,
  globalFilteringFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
  type RowData,
  type ColumnFiltersState,
  type SortingState,
} from '@tanstack/react-table';

/** The features every table of the app registers (sorting, column filters and the search box). */
export const tableFeatureSet = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  sortedRowModel: createSortedRowModel(),
  filteredRowModel: createFilteredRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, basic: sortFn_basic },
  filterFns: { includesString: filterFn_includesString, equalsString: filterFn_equalsString },
});
export type Features = typeof tableFeatureSet;
export type Column<T extends RowData> = ColumnDef<Features, T, any>;
/** What a column may say about itself: its cell class, extra cell attributes, and whether the search box searches it. */
export interface ColumnMeta<T> {
  className?: string;
  cellProps?: (row: T) => Record<string, unknown>;
  search?: boolean;
}

/** A column helper for rows of type T. */
export const columnsFor = <T extends RowData>() => createColumnHelper<Features, T>();

export interface DataTableProps<T extends RowData> {
  columns: Column<T>[];
  data: T[];
  testId?: string;
  /** A stable row id (the row's test id is `${rowTestId}${id}`). */
  rowId(row: T): string;
  rowTestId?: string;
  rowProps?(row: T): { className?: string; [data: `data-${string}`]: string | boolean | undefined };
  /** Text searched in the columns that allow it (controlled by the caller's search box). */
  search?: string;
  /** Column id → value an equality filter keeps ('' for no filter). */
  filters?: Record<string, string>;
  initialSort?: SortingState;
  className?: string;
  empty?: ReactNode;
  /** Shown below the table (a sum row, a note). */
  footer?: ReactNode;
}

const EMPTY_FILTERS: Record<string, string> = {};

/** A sortable, filterable table; what it shows of each cell comes from the column definitions. */
export function DataTable<T extends RowData>({ columns, data, testId, rowId, rowTestId, rowProps, search = '', filters = EMPTY_FILTERS, initialSort = [], className = 'grid', empty, footer }: DataTableProps<T>) {
  const { t } = useTranslation();
  const [sorting, setSorting] = useState<SortingState>(initialSort);
  const columnFilters: ColumnFiltersState = Object.entries(filters)
    .filter(([, v]) => v !== '')
    .map(([id, value]) => ({ id, value }));
  const table = useTable({
    features: tableFeatureSet,
    columns,
    data,
    getRowId: (row) => rowId(row),
    state: { sorting, columnFilters, globalFilter: search },
    onSortingChange: setSorting,
    globalFilterFn: 'includesString',
    getColumnCanGlobalFilter: (column) => (column.columnDef.meta as ColumnMeta<T> | undefined)?.search === true,
    enableSortingRemoval: true,
  });
  const rows = table.getRowModel().rows;
  return (
    <div className="table-scroll">
      <table className={className} data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                if (header.isPlaceholder) return <th key={header.id} />;
                const col = header.column;
                const sortable = col.getCanSort();
                const dir = col.getIsSorted();
                const meta = col.columnDef.meta as ColumnMeta<T> | undefined;
                return (
                  <th
                    key={header.id}
                    colSpan={header.colSpan > 1 ? header.colSpan : undefined}
                    className={meta?.className}
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
                    data-testid={testId && sortable ? `${testId}-sort-${col.id}` : undefined}
                  >
                    {sortable ? (
                      <button type="button" className="sort-head" onClick={col.getToggleSortingHandler()} title={t('table.sortHint')}>
                        <table.FlexRender header={header} />
                        <span className="sort-mark" aria-hidden>
                          {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '⇅'}
                        </span>
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.map((row) => {
            const extra = rowProps?.(row.original) ?? {};
            return (
              <tr key={row.id} data-testid={rowTestId ? `${rowTestId}${row.id}` : undefined} {...extra}>
                {row.getAllCells().map((cell) => {
                  const meta = cell.column.columnDef.meta as ColumnMeta<T> | undefined;
                  return (
                    <td key={cell.id} className={meta?.className} {...(meta?.cellProps?.(row.original) ?? {})}>
                      <table.FlexRender cell={cell} />
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted small" data-testid={testId ? `${testId}-empty` : undefined}>{empty ?? t('table.noRows')}</p>}
      {footer}
    </div>
  );
}
