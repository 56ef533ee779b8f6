import type { VectorProblem } from '../../core/embedding/unit-vector.js';

/** A bad input line: where it was and why it was not used. Rejects go to OUTDIR/rejects.jsonl. */
export type RejectReason =
  | VectorProblem
  | 'invalid_utf8'
  | 'line_too_long'
  | 'empty_line'
  | 'invalid_json'
  | 'missing_key'
  | 'not_a_string'
  | 'not_a_chat'
  | 'no_turn'
  | 'empty_field'
  | 'empty_text'
  | 'too_long';

export interface Reject {
  source: string;
  line: number;
  reason: RejectReason;
  detail: string;
}

export const REJECT_HINTS: Record<RejectReason, string> = {
  invalid_utf8: 'the line is not valid UTF-8; re-encode the file as UTF-8',
  line_too_long: 'raise --max-line-bytes if such long records are expected',
  empty_line: 'blank lines hold no record',
  invalid_json: 'each line must be one JSON value',
  missing_key: 'check --text-key / --message-key against the records',
  not_a_string: 'the key path must lead to a string',
  not_a_chat: 'with --format messages|sharegpt, --text-key must lead to the turn list (default messages / conversations)',
  no_turn: 'the record has no turn with text of the first role in --roles; check --roles against the records (ShareGPT human/gpt are user/assistant)',
  empty_field: 'every field of --text-template must hold text; fix the records or the template',
  empty_text: 'the text is empty or only whitespace',
  too_long: "the text is over the embedding server's token limit; --truncate server (with --server-kind tei or vllm) embeds its start instead",
  not_a_vector: 'check --embedding-column against the records: it must lead to an array of numbers',
  vector_dims: 'every vector must have the dimension of the first row; fix the rows or leave them out',
  vector_not_numeric: 'a vector holds a value that is not a number',
  vector_not_finite: 'a vector holds NaN or an infinity',
  vector_zero: 'an all-zero vector has no direction to compare by cosine',
};
