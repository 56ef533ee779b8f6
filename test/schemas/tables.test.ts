import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILES, layout, TABLES } from '../../schemas/tables.js';

test('layout() gives every column a `col` entry spelled as the column, so SQL strings use the same names', () => {
  const t = layout({ name: 'x', path: 'x', parts: true, columns: { a: 'utf8', b_c: 'int32' }, doc: 'd' });
  assert.deepEqual(t.col, { a: 'a', b_c: 'b_c' });
  for (const table of TABLES) assert.deepEqual(Object.keys(table.col), Object.keys(table.columns), table.name);
});

test('every table and file has its own view name and its own path under OUTDIR', () => {
  const names = TABLES.map((t) => t.name);
  assert.equal(new Set(names).size, names.length, `view names ${names}`);
  const paths = [...TABLES.map((t) => t.path), ...Object.values(FILES)];
  assert.equal(new Set(paths).size, paths.length, `paths ${paths}`);
  for (const t of TABLES) assert.match(t.name, /^[a-z_]+$/, 'a view name DuckDB takes unquoted');
});

test('a folder of parts has a bare path, a single table a .parquet file; dictionary columns exist; docs are written', () => {
  for (const t of TABLES) {
    assert.equal(t.path.endsWith('.parquet'), !t.parts, `${t.name}: ${t.path}`);
    for (const c of t.dictionary ?? []) assert.ok(c in t.columns, `${t.name}: dictionary column ${c}`);
    assert.ok(t.doc.length > 20, `${t.name} is documented`);
    assert.ok('id' in t.columns || 'cluster' in t.columns, `${t.name} has a key`);
  }
});
