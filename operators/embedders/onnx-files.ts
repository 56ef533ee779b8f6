/**
 * Which ONNX file of a model folder each dtype means. Transformers.js repositories (Xenova/…,
 * onnx-community/…) keep variants side by side under onnx/; optimum exports and
 * `optimum-cli onnxruntime quantize` write them at the root.
 */
export const DTYPES = ['fp32', 'fp16', 'q8'] as const;
export type Dtype = (typeof DTYPES)[number];

const SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** Candidate paths, most specific first, relative to the folder. */
export function onnxModelFiles(dtype: Dtype = 'fp32'): string[] {
  return [`onnx/model${SUFFIX[dtype]}.onnx`, `model${SUFFIX[dtype]}.onnx`];
}
