/**
 * What the sample stage warns about before it picks, each with the exact flags that change it
 * (issue 22): most rows are noise, which is never picked; or the sample asks for at least every
 * row it can pick, so it is the clustered rows themselves, not a sample of them.
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
}

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
  return out;
}
