/**
 * Dynamic int8 quantisation of a graph's weight MatMuls, the rewrite onnxruntime's
 * `quantize_dynamic` applies to the `model_quantized.onnx` files of Transformers.js
 * repositories (Jacob et al. 2018, "Quantization and Training of Neural Networks for
 * Efficient Integer-Arithmetic-Only Inference", §2): each MatMul whose right operand is a
 * float32 [K, N] initializer becomes
 *
 *   DynamicQuantizeLinear(A) → (A_u8, a_scale, a_zero)        activations: uint8, per run
 *   MatMulInteger(A_u8, B_s8, a_zero) → int32                 weights: int8, symmetric, per column
 *   Cast → float32; Mul by a_scale · b_scale[N]
 *
 * Only standard ONNX ops are written, so the file runs wherever ONNX runs; onnxruntime's
 * graph optimiser fuses the chain (and the bias Add after it) into its DynamicQuantizeMatMul
 * kernel. MatMuls that share an input share one DynamicQuantizeLinear.
 */
import type { Graph, Initializer, Node } from './model.js';

/** Symmetric int8 per output column: q = round(w / s_j), s_j = max_i |w_ij| / 127. */
export function quantizeColumns(w: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(cols);
  for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < cols; j++, o++) scale[j] = Math.max(scale[j], Math.abs(w[o]));
  for (let j = 0; j < cols; j++) scale[j] = scale[j] > 0 ? scale[j] / 127 : 1;
  const q = new Int8Array(rows * cols);
  for (let i = 0, o = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++, o++) q[o] = Math.max(-127, Math.min(127, Math.round(w[o] / scale[j])));
  }
  return { q, scale };
}

/** The graph with every float32-weight MatMul rewritten to int8; other nodes unchanged. */
export function quantizeDynamic(graph: Graph): Graph {
  const initializers = new Map((graph.initializers ?? []).map((t) => [t.name, t]));
  const isWeight = (name: string): boolean => {
    const t = initializers.get(name);
    return t !== undefined && t.data instanceof Float32Array && t.dims.length === 2;
  };
  const added: Initializer[] = [];
  const quantized = new Set<string>();
  const dynamic = new Map<string, [string, string, string]>();
  const nodes: Node[] = [];

  for (const node of graph.nodes) {
    if (node.op !== 'MatMul' || node.domain || !isWeight(node.inputs[1])) {
      nodes.push(node);
      continue;
    }
    const [a, b] = node.inputs;
    const out = node.outputs[0];
    if (!quantized.has(b)) {
      const t = initializers.get(b)!;
      const { q, scale } = quantizeColumns(t.data as Float32Array, t.dims[0], t.dims[1]);
      added.push({ name: `${b}_quantized`, dims: t.dims, data: q }, { name: `${b}_scale`, dims: [t.dims[1]], data: scale });
      quantized.add(b);
    }
    let dq = dynamic.get(a);
    if (!dq) {
      dq = [`${a}_quantized`, `${a}_scale`, `${a}_zero_point`];
      nodes.push({ op: 'DynamicQuantizeLinear', inputs: [a], outputs: [...dq] });
      dynamic.set(a, dq);
    }
    nodes.push(
      { op: 'MatMulInteger', inputs: [dq[0], `${b}_quantized`, dq[2]], outputs: [`${out}_int32`] },
      { op: 'Cast', inputs: [`${out}_int32`], outputs: [`${out}_float`], attributes: { to: 1 } },
      { op: 'Mul', inputs: [dq[1], `${b}_scale`], outputs: [`${out}_scale`] },
      { op: 'Mul', inputs: [`${out}_float`, `${out}_scale`], outputs: [out] },
    );
  }

  // A float weight still read by another node (a tied embedding, say) is kept.
  const stillRead = new Set(nodes.flatMap((n) => n.inputs));
  return {
    ...graph,
    initializers: [...(graph.initializers ?? []).filter((t) => !quantized.has(t.name) || stillRead.has(t.name)), ...added],
    nodes,
  };
}
