/**
 * Parquet in and out through apache-arrow + parquet-wasm. Vectors go in as one contiguous
 * Float32Array wrapped as FixedSizeList (no per-row objects), strings as one UTF-8 buffer
 * plus offsets. Writes are atomic: temp file, fsync, rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import type { ColumnType, TableLayout } from '../../schemas/tables.js';
import { writeFileAtomic } from '../store/write-file-atomic.js';

export interface VectorColumn {
  values: Float32Array;
  dims: number;
}

export type ColumnValues<T extends ColumnType> = T extends 'utf8'
  ? readonly string[]
  : T extends 'utf8?'
    ? readonly (string | null)[]
  : T extends 'bool'
    ? Uint8Array
  : T extends 'float32?'
    ? Float32Array
  : T extends 'int32'
    ? Int32Array
    : T extends 'int64'
      ? BigInt64Array | Float64Array
      : T extends 'float32'
        ? Float32Array
        : T extends 'vector'
          ? VectorColumn
          : T extends 'utf8_list'
            ? readonly (readonly string[])[]
            : readonly Float32Array[];

/**
 * A layout's columns as a writer takes them. A nullable text column (`utf8?`) may be left out
 * and is then all nulls, so a column added for an optional setting (rows.user_id without
 * id_key) asks nothing of the writers that never fill it.
 */
export type TableData<L extends TableLayout> = {
  [K in keyof L['columns'] as L['columns'][K] extends 'utf8?' ? never : K]: ColumnValues<L['columns'][K]>;
} & { [K in keyof L['columns'] as L['columns'][K] extends 'utf8?' ? K : never]?: ColumnValues<L['columns'][K]> };

const utf8 = new TextEncoder();

/** Arrow validity bits (LSB first) for the rows where `valid(i)` holds. */
function bitmap(length: number, valid: (i: number) => boolean): Uint8Array {
  const bits = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) if (valid(i)) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

function utf8Data(values: readonly (string | null)[]): arrow.Data<arrow.Utf8> {
  const offsets = new Int32Array(values.length + 1);
  let cap = 64;
  let nulls = 0;
  for (const v of values) {
    if (v === null) nulls++;
    else cap += v.length * 3;
  }
  let bytes = new Uint8Array(cap);
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) pos += utf8.encodeInto(v, bytes.subarray(pos)).written;
    offsets[i + 1] = pos;
  }
  bytes = bytes.slice(0, pos);
  const nullBitmap = nulls ? bitmap(values.length, (i) => values[i] !== null) : undefined;
  return arrow.makeData({ type: new arrow.Utf8(), length: values.length, valueOffsets: offsets, data: bytes, nullBitmap, nullCount: nulls });
}

/** A list column: one offsets array over the concatenated items, the child built by `child`. */
function listData<T>(lists: readonly (ArrayLike<T> & Iterable<T>)[], itemType: arrow.DataType, child: (items: T[]) => arrow.Data): arrow.Data {
  const offsets = new Int32Array(lists.length + 1);
  const items: T[] = [];
  lists.forEach((l, i) => {
    for (const v of l) items.push(v);
    offsets[i + 1] = items.length;
  });
  const type = new arrow.List(new arrow.Field('item', itemType, false));
  return arrow.makeData({ type, length: lists.length, valueOffsets: offsets, child: child(items) });
}

function columnData(type: ColumnType, values: unknown, length: number): arrow.Data {
  switch (type) {
    case 'utf8':
      return utf8Data(values as string[]);
    case 'utf8?':
      return utf8Data((values as (string | null)[] | undefined) ?? new Array<null>(length).fill(null));
    case 'bool': {
      const v = values as Uint8Array;
      return arrow.makeData({ type: new arrow.Bool(), length, data: bitmap(length, (i) => v[i] !== 0) });
    }
    case 'float32?': {
      // NaN stands for null in the values, so a Float32Array carries the column.
      const v = values as Float32Array;
      let nulls = 0;
      for (let i = 0; i < length; i++) if (Number.isNaN(v[i])) nulls++;
      const nullBitmap = nulls ? bitmap(length, (i) => !Number.isNaN(v[i])) : undefined;
      return arrow.makeData({ type: new arrow.Float32(), length, data: v, nullBitmap, nullCount: nulls });
    }
    case 'int32':
      return arrow.makeData({ type: new arrow.Int32(), length, data: values as Int32Array });
    case 'int64': {
      const v = values instanceof BigInt64Array ? values : BigInt64Array.from(values as Float64Array, (x) => BigInt(x));
      return arrow.makeData({ type: new arrow.Int64(), length, data: v });
    }
    case 'float32':
      return arrow.makeData({ type: new arrow.Float32(), length, data: values as Float32Array });
    case 'vector': {
      const { values: flat, dims } = values as VectorColumn;
      const child = arrow.makeData({ type: new arrow.Float32(), length: length * dims, data: flat.subarray(0, length * dims) });
      const type = new arrow.FixedSizeList(dims, new arrow.Field('element', new arrow.Float32(), false));
      return arrow.makeData({ type, length, child });
    }
    case 'utf8_list':
      return listData(values as readonly string[][], new arrow.Utf8(), (items) => utf8Data(items));
    case 'float32_list':
      return listData(values as readonly Float32Array[], new arrow.Float32(), (items) =>
        arrow.makeData({ type: new arrow.Float32(), length: items.length, data: Float32Array.from(items) }),
      );
  }
}

/** Encodes `length` rows of a layout's columns as Parquet bytes. */
export function encodeParquet<L extends TableLayout>(
  layout: L,
  data: TableData<L>,
  length: number,
): Uint8Array {
  const vectors: Record<string, arrow.Vector> = {};
  for (const [name, type] of Object.entries(layout.columns) as [string, ColumnType][]) {
    vectors[name] = arrow.makeVector(columnData(type, (data as Record<string, unknown>)[name], length));
  }
  const table = new arrow.Table(vectors);
  // Dictionary encoding only pays on repetitive columns (source); on ids and texts it is
  // pure cost. Float vectors do not compress, so they are stored plain.
  let props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false).setMaxRowGroupSize(16384);
  for (const [name, type] of Object.entries(layout.columns) as [string, ColumnType][]) {
    if (type === 'vector') props = props.setColumnCompression(name, pw.Compression.UNCOMPRESSED);
  }
  for (const name of layout.dictionary ?? []) props = props.setColumnDictionaryEnabled(name, true);
  return pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props.build());
}

export function writeParquet<L extends TableLayout>(
  file: string,
  layout: L,
  data: TableData<L>,
  length: number,
): void {
  writeFileAtomic(file, encodeParquet(layout, data, length));
}

export function partName(index: number): string {
  return `part-${String(index).padStart(5, '0')}.parquet`;
}

/** The complete part files of a table folder, in order (temp files are ignored). */
export function listParts(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    // part-N (one process) or part-U-K (part K of input unit U, written by a shard): names sort in input order.
    .filter((f) => /^part-\d+(-\d+)?\.parquet$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

export function readParquet(file: string, columns?: string[]): arrow.Table {
  const bytes = fs.readFileSync(file);
  const wasmTable = pw.readParquet(bytes, columns ? { columns } : undefined);
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

/**
 * A vector column as one contiguous row-major array: FixedSizeList<float32> as semclust
 * writes it, or List<float32> with equal lengths as DuckDB writes FLOAT[d].
 */
export function vectorsOf(table: arrow.Table, column: string): VectorColumn & { length: number } {
  const vec = table.getChild(column);
  if (!vec) throw new Error(`column "${column}" not found`);
  const fixed = vec.type instanceof arrow.FixedSizeList;
  let dims = fixed ? (vec.type as arrow.FixedSizeList).listSize : -1;
  if (!fixed) {
    for (const chunk of vec.data) if (chunk.length > 0) dims = chunk.valueOffsets[1] - chunk.valueOffsets[0];
    if (dims < 0) dims = 0;
  }
  const values = new Float32Array(vec.length * dims);
  let off = 0;
  for (const chunk of vec.data) {
    const child = chunk.children[0];
    let first: number;
    if (fixed) first = child.offset + chunk.offset * dims;
    else {
      const o = chunk.valueOffsets;
      if (o[chunk.length] - o[0] !== chunk.length * dims) throw new Error(`column "${column}": vectors of different lengths`);
      first = child.offset + o[0];
    }
    values.set((child.values as Float32Array).subarray(first, first + chunk.length * dims), off);
    off += chunk.length * dims;
  }
  return { values, dims, length: vec.length };
}

export function stringsOf(table: arrow.Table, column: string): string[] {
  const vec = table.getChild(column);
  if (!vec) throw new Error(`column "${column}" not found`);
  return vec.toArray() as string[];
}

/** A list<utf8> column as one string array per row. */
export function stringListsOf(table: arrow.Table, column: string): string[][] {
  const vec = table.getChild(column);
  if (!vec) throw new Error(`column "${column}" not found`);
  return Array.from({ length: vec.length }, (_, i) => Array.from(vec.get(i) as arrow.Vector<arrow.Utf8>) as string[]);
}

/** A list<float32> column as one Float32Array per row. */
export function float32ListsOf(table: arrow.Table, column: string): Float32Array[] {
  const vec = table.getChild(column);
  if (!vec) throw new Error(`column "${column}" not found`);
  return Array.from({ length: vec.length }, (_, i) => Float32Array.from(vec.get(i) as arrow.Vector<arrow.Float32>));
}

export function int32sOf(table: arrow.Table, column: string): Int32Array {
  const vec = table.getChild(column);
  if (!vec) throw new Error(`column "${column}" not found`);
  return Int32Array.from(vec.toArray() as Int32Array);
}
