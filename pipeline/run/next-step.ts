/**
 * The `next:` line that ends every stage command (issue 22): the command or file a user wants
 * after the last stage it ran, the paths shell-quoted so the line can be pasted.
 */
import path from 'node:path';
import type { StageName } from '../../schemas/config.js';
import { FILES } from '../../schemas/tables.js';
import { shellQuote } from '../../core/util/shell-quote.js';

export function nextStep(last: StageName, outDir: string): string {
  const dir = shellQuote(outDir);
  const file = (f: string) => shellQuote(path.join(outDir, f));
  switch (last) {
    case 'embed':
      return `next: semclust infer ${dir} (fits the clusters, then labels every row)`;
    case 'fit':
      return `next: semclust infer ${dir}`;
    case 'infer':
      return `next: open ${file(FILES.report)} to see the clusters, then semclust sample ${dir} --sample-size N`;
    case 'dedup':
      return `next: semclust sample ${dir} (draws from the rows dedup kept)`;
    case 'sample':
      return `next: ${file(FILES.sampleJsonl)} is the sample; open ${file(FILES.report)} to see it on the map`;
  }
}
