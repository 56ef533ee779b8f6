/**
 * Declarative ONNX model description and its serialisation (field numbers from onnx.proto).
 * The project builds its own small graphs (static embedding model, distance kernels, test
 * transformers) and hands the bytes straight to onnxruntime: no Python, no onnx package.
 */
import { ProtoWriter } from './protobuf.js';

export type ElemType = 'float32' | 'float16' | 'uint8' | 'int8' | 'int64' | 'int32' | 'bool';

const ELEM_CODE: Record<ElemType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };

/** A dimension is a fixed size or a symbolic name such as "batch". */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: Dim[];
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;
}

export type AttributeValue = number | number[] | string | { floats: number[] } | { float: number };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
  domain?: string;
}

export interface Graph {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Initializer[];
  nodes: Node[];
}

export interface ModelOptions {
  opset?: number;
  irVersion?: number;
  metadata?: Record<string, string>;
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEM_CODE[v.type]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function elemCodeOf(data: Initializer['data']): number {
  if (data instanceof Float32Array) return ELEM_CODE.float32;
  if (data instanceof BigInt64Array) return ELEM_CODE.int64;
  if (data instanceof Int8Array) return ELEM_CODE.int8;
  if (data instanceof Uint8Array) return ELEM_CODE.uint8;
  return ELEM_CODE.int32;
}

function writeTensor(w: ProtoWriter, t: Initializer): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, elemCodeOf(t.data));
  w.string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

// AttributeProto.type codes: FLOAT=1, INT=2, STRING=3, FLOATS=6, INTS=7.
function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'string') {
    w.string(4, value).int(20, 3);
  } else if (typeof value === 'number') {
    w.int(3, value).int(20, 2);
  } else if (Array.isArray(value)) {
    w.packedInts(8, value).int(20, 7);
  } else if ('floats' in value) {
    w.packedFloats(7, value.floats).int(20, 6);
  } else {
    w.float(2, value.float).int(20, 1);
  }
}

function writeNode(w: ProtoWriter, n: Node, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, (a) => writeAttribute(a, k, v));
  if (n.domain) w.string(7, n.domain);
}

/** Serialises a graph as an ONNX ModelProto. */
export function encodeModel(graph: Graph, options: ModelOptions = {}): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, options.irVersion ?? 8);
  w.string(2, 'semclust');
  w.message(7, (g) => {
    graph.nodes.forEach((n, i) => g.message(1, (m) => writeNode(m, n, i)));
    g.string(2, graph.name);
    for (const t of graph.initializers ?? []) g.message(5, (m) => writeTensor(m, t));
    for (const v of graph.inputs) g.message(11, (m) => writeValueInfo(m, v));
    for (const v of graph.outputs) g.message(12, (m) => writeValueInfo(m, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, options.opset ?? 17));
  // Nodes from other domains (onnxruntime's com.microsoft contrib ops) need their own opset import.
  for (const domain of new Set(graph.nodes.flatMap((n) => (n.domain ? [n.domain] : [])))) {
    w.message(8, (o) => o.string(1, domain).int(2, 1));
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    w.message(14, (m) => m.string(1, k).string(2, v));
  }
  return w.finish();
}
