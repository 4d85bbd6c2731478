// Printing objects the way kubectl and flux do: aligned tables, YAML or JSON.
import { stringify } from 'yaml';
import type { OutputFormat } from './context.js';

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
}

/** Renders rows as a kubectl-style table: upper-case headers, columns padded by three spaces. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = [
    columns.map((c) => c.header.toUpperCase()),
    ...rows.map((r) => columns.map((c) => c.value(r))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return (
    cells
      .map((line) =>
        line
          .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Renders a value (or a list of them) as YAML or JSON; lists become a `v1/List` as kubectl prints. */
export function renderData(value: unknown, format: Exclude<OutputFormat, 'table'>): string {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n';
  return stringify(value, { lineWidth: 0 });
}
