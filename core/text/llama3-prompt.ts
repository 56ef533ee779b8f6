/**
 * Llama-3 chat prompts (`<|start_header_id|>user<|end_header_id|>\n\n…<|eot_id|>`) carry a
 * system turn and template tokens that would dominate the embedding; the user turn is
 * what the row is about.
 */
const USER_HEADER = '<|start_header_id|>user<|end_header_id|>';
const END_OF_TURN = '<|eot_id|>';

/** The first user message of a Llama-3 prompt; any other text is returned unchanged. */
export function userMessageOf(text: string): string {
  const at = text.indexOf(USER_HEADER);
  if (at < 0) return text;
  let start = at + USER_HEADER.length;
  // The template puts exactly one blank line after the header.
  if (text.startsWith('\n\n', start)) start += 2;
  const end = text.indexOf(END_OF_TURN, start);
  return end < 0 ? text.slice(start) : text.slice(start, end);
}
