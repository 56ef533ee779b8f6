/**
 * The small edits that make an injected near-copy, as eval:dedup and the --against test use:
 * a word dropped, two adjacent words swapped, a typo (two neighbouring letters swapped), the
 * case or the final punctuation changed. Each takes its randomness from the caller's seeded Rng.
 */
import type { Rng } from '../core/util/random.js';

export const EDITS = ['drop', 'swap', 'typo', 'case', 'punct'] as const;
export type Edit = (typeof EDITS)[number];

export function edit(text: string, kind: Edit, rng: Rng): string {
  const words = text.split(' ');
  switch (kind) {
    case 'drop': {
      if (words.length < 4) return text;
      words.splice(rng.int(words.length), 1);
      return words.join(' ');
    }
    case 'swap': {
      if (words.length < 2) return text;
      const i = rng.int(words.length - 1);
      [words[i], words[i + 1]] = [words[i + 1], words[i]];
      return words.join(' ');
    }
    case 'typo': {
      const long = words.map((w, i) => [w, i] as const).filter(([w]) => /^[a-z]{4,}$/i.test(w));
      if (long.length === 0) return text;
      const [w, i] = long[rng.int(long.length)];
      const p = 1 + rng.int(w.length - 2);
      // Swap two neighbouring letters, the commonest typing slip.
      words[i] = w.slice(0, p) + w[p + 1] + w[p] + w.slice(p + 2);
      return words.join(' ');
    }
    case 'case':
      return rng.next() < 0.5 ? text.toLowerCase() : text.toUpperCase();
    case 'punct': {
      const stripped = text.replace(/[?.!]+$/, '');
      return stripped === text ? `${text}?` : rng.next() < 0.5 ? stripped : `${stripped}!!`;
    }
  }
}
