/**
 * What the sample stage warns about before it picks, each with the exact flags that change it
 * (issue 22): most rows are noise, which is never picked; the sample asks for at least every
 * row it can pick, so it is the clustered rows themselves, not a sample of them; or many rows
 * hold no word the built-in model knows (sentence fragments such as `6)`), which get a vector
 * from their characters instead and so group by their form, apart from the rows with words.
 */
import type { Settings } from '../../schemas/config.js';
import { shellQuote } from '../../core/util/shell-quote.js';

/** Above this share of noise rows, the sample stands for too few of the rows to pass silently. */
export const NOISE_WARNING = 0.3;

export interface SampleFacts {
  /** Rows of the population (labelled, dedup's kept ids when dedup ran), noise included. */
  rows: number;
  /** Noise rows among them (cluster −1). */
  noise: number;
  /** Rows of the built-in model with no word it knows (a vector from their characters), and a few of their texts; absent for other models. */
  unknown?: { rows: number; examples: string[] };
}

/** From this share of rows with no known word, they are worth a warning: they form groups of their own, by form rather than meaning. */
export const UNKNOWN_WARNING = 0.01;

export function sampleWarnings(s: Pick<Settings, 'sample_size' | 'sample_tokens' | 'hdbscan_min_samples' | 'hdbscan_min_cluster_size'>, outDir: string, facts: SampleFacts): string[] {
  const out: string[] = [];
  const fmt = (n: number) => n.toLocaleString('en-US');
  const pickable = facts.rows - facts.noise;
  if (facts.rows > 0 && facts.noise / facts.rows > NOISE_WARNING) {
    const share = `${Math.round((100 * facts.noise) / facts.rows)}%`;
    // Only HDBSCAN leaves noise, and with --hdbscan-assign-noise none: the two fixes are the fit's density settings and the assignment.
    const fix = `to cluster more of them: semclust infer ${shellQuote(outDir)} --hdbscan-assign-noise (each noise row joins its most likely cluster), or refit with a lower --hdbscan-min-samples (now ${s.hdbscan_min_samples}) or --hdbscan-min-cluster-size (now ${s.hdbscan_min_cluster_size}): semclust fit ${shellQuote(outDir)} --hdbscan-min-samples ${Math.max(1, Math.floor(s.hdbscan_min_samples / 2))}`;
    out.push(`warning: ${share} of the rows (${fmt(facts.noise)} of ${fmt(facts.rows)}) are noise and are never picked; ${fix}`);
  }
  // A sample sized in tokens (--sample-tokens) ignores --sample-size.
  if (s.sample_tokens === undefined && s.sample_size >= pickable) {
    out.push(
      `warning: --sample-size ${fmt(s.sample_size)} is at least the ${fmt(pickable)} rows that can be picked${facts.noise > 0 ? ` (noise apart)` : ''}, so the sample is all of them; give a smaller --sample-size to choose among them`,
    );
  }
  const u = facts.unknown;
  if (u && facts.rows > 0 && u.rows / facts.rows >= UNKNOWN_WARNING) {
    const share = `${((100 * u.rows) / facts.rows).toFixed(1)}%`;
    const seen = u.examples.map((t) => JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t)).join(', ');
    out.push(
      `warning: ${fmt(u.rows)} rows (${share}) hold no word the built-in model knows${seen ? ` (e.g. ${seen})` : ''}; each got a vector from its characters instead, so they group by their form ("6)" beside "7)"), apart from the rows with words. ` +
        `List them with semclust query ${shellQuote(outDir)} ${shellQuote(UNKNOWN_ROWS_SQL)}, drop them from the input, or embed with a subword model (--embedding-model minishlab/potion-base-8M)`,
    );
  }
  return out;
}

/**
 * The ids whose vector came from their characters (core/embedding/char-ngram-vector.ts): every
 * nonzero entry of one magnitude, which no mean of word vectors has. It matches the fixed vector
 * (every entry 1/√d) that recipes up to 2 gave the same rows, so older runs are counted too.
 * Largest |x| against smallest nonzero |x|: 2.0× the former list_min = list_max on 300,000
 * random 100-d rows (2.9 s against 1.5 s here), where list_distinct took 6×.
 */
export const UNKNOWN_IDS_SQL = 'SELECT id FROM embeddings WHERE list_max(list_transform(embedding, lambda x: abs(x))) = list_min(list_filter(list_transform(embedding, lambda x: abs(x)), lambda x: x > 0))';
/** Their texts, as the warning tells a user to list them. */
const UNKNOWN_ROWS_SQL = `SELECT DISTINCT text FROM rows SEMI JOIN (${UNKNOWN_IDS_SQL}) USING (id)`;
