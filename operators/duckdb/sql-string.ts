/** A SQL string literal for DuckDB: the text in single quotes, each quote inside doubled, so no path, id or key can end the literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
