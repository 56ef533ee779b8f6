/**
 * `--truncate client` (issue 19): every text cut to at most max_length tokens of the served
 * model's tokenizer before it is sent, so no input is over the server's limit and no server
 * has to be asked to truncate. The text sent is the longest prefix of the original whose
 * encoding (special tokens included, as the server counts them) fits, found by bisection over
 * characters: @huggingface/tokenizers gives no offsets, and decoding the first max_length ids
 * would give back a normalised text (lower-cased, re-spaced) for many tokenizers. A text within
 * the limit costs one encoding, a longer one about log2(its length) more.
 */
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { UsageError } from '../../core/util/semclust-error.js';
import { mapTexts, type Embedder } from './embedder.js';
import { resolveTokenizer, type ResolveModelOptions } from './hub-download.js';
import { readJsonIfExists } from './read-json.js';

/** A text cut to the limit, or the text itself when it fits. */
export type TokenCut = (text: string) => string;

/** The cut for the tokenizer.json in `dir`: at most `maxLength` tokens a text. */
export async function openTokenCut(dir: string, maxLength: number): Promise<TokenCut> {
  const file = path.join(dir, 'tokenizer.json');
  const json = await readJsonIfExists(file);
  if (!json) throw new UsageError(`${dir} has no tokenizer.json: --tokenizer takes a hub id or a folder holding the served model's tokenizer.json`);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, (await readJsonIfExists(path.join(dir, 'tokenizer_config.json'))) ?? {});
  } catch (err) {
    throw new Error(`${file} could not be loaded: ${(err as Error).message}`);
  }
  const count = (text: string) => tokenizer.encode(text).ids.length;
  return (text) => {
    if (count(text) <= maxLength) return text;
    // Bisection for the longest prefix that fits: lo always fits, hi never does.
    let lo = 0;
    let hi = text.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (count(text.slice(0, mid)) <= maxLength) lo = mid;
      else hi = mid;
    }
    // Never half a surrogate pair.
    const end = lo > 0 && /[\uD800-\uDBFF]/.test(text[lo - 1]) ? lo - 1 : lo;
    return text.slice(0, end);
  };
}

/**
 * `embedder` (a served model) with every text cut by the tokenizer `id` (hub id or folder)
 * first; the texts it cut are counted as truncated in its usage.
 */
export async function withClientTruncation(embedder: Embedder, id: string, maxLength: number, options: ResolveModelOptions = {}): Promise<Embedder> {
  const cut = await openTokenCut((await resolveTokenizer(id, options)).dir, maxLength);
  let truncated = 0;
  const cutAll = (texts: readonly string[]) =>
    texts.map((t) => {
      const kept = cut(t);
      if (kept !== t) truncated++;
      return kept;
    });
  const usage = embedder.usage?.bind(embedder);
  // A served model has no countTokens, so only embed and embedChecked call cutAll: each cut text is counted once.
  return mapTexts(embedder, cutAll, usage && (() => ({ ...usage(), truncated: usage().truncated + truncated })));
}
