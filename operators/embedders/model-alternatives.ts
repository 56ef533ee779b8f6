/**
 * The ways out when a model cannot be had (offline, unreachable hub, no ONNX weights, an LLM):
 * one place writes them so every error names the same alternatives.
 */

/** Lines naming the alternatives to hub model `id`, for the end of an error message. */
export function modelAlternatives(id: string): string {
  return [
    'Ways out:',
    '  --embedding-model static      the built-in model: offline, nothing to download',
    `  --embedding-model DIR         a local ONNX folder, made where the network is with`,
    `                                \`optimum-cli export onnx --model ${id} DIR\` (pip install "optimum[exporters]"), then copied here`,
    '  --embedding-endpoint URL      an OpenAI-compatible server for LLM-sized models, e.g.',
    `                                \`vllm serve ${id} --task embed\` or TEI \`text-embeddings-router --model-id ${id}\``,
  ].join('\n');
}
