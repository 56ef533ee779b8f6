/**
 * clusters.parquet: each cluster's size and centre with what a person needs to see what it
 * is — c-TF-IDF keywords, the texts nearest its centre and, when a chat endpoint is set, an
 * LLM label (cached in OUTDIR so a rerun does not ask again). Called by infer once every
 * row is labelled.
 */
import path from 'node:path';
import type { Settings } from '../../schemas/config.js';
import { CLUSTERS, FILES } from '../../schemas/tables.js';
import { clusterKeywords, type KeywordResult } from '../../operators/describe/cluster-keywords.js';
import { clusterKeywordsThreads } from '../../operators/describe/cluster-keywords-thread.js';
import { labelClusters } from '../../operators/describe/cluster-labels.js';
import { float32ListsOf, int32sOf, readParquet, stringListsOf, stringsOf, writeParquet } from '../../operators/parquet/parquet.js';
import { representativeRows, type Representatives } from '../../operators/describe/representative-rows.js';
import { keywordWorkers } from '../../operators/workers/threads.js';

export interface ClusterCentres {
  sizes: Float64Array;
  centroids: Float32Array;
  dims: number;
}

export interface ClusterDescription {
  cluster: number;
  size: number;
  keywords: string[];
  keywordScores: Float32Array;
  representativeIds: string[];
  representatives: string[];
  label: string;
}

export async function describeClusters(outDir: string, centres: ClusterCentres, s: Settings, log: (m: string) => void): Promise<ClusterDescription[]> {
  const k = centres.sizes.length;
  const { keywords, reps } = await keywordsAndRepresentatives(outDir, k, s);
  const chosen = new Map<string, number>();
  for (const codes of keywords.languages) chosen.set(codes.join('+') || 'none', (chosen.get(codes.join('+') || 'none') ?? 0) + 1);
  // Said only when it is news: a run of English texts keeps its output as it was.
  if (s.keywords_language === 'auto' && [...chosen.keys()].some((key) => key !== 'en')) {
    log(`keywords: stop words of ${[...chosen].map(([key, n]) => `${key} (${n} cluster${n === 1 ? '' : 's'})`).join(', ')}; --keywords-language sets one`);
  }
  const described: ClusterDescription[] = Array.from({ length: k }, (_, c) => ({
    cluster: c,
    size: centres.sizes[c],
    keywords: keywords.keywords[c],
    keywordScores: keywords.scores[c],
    representativeIds: reps.ids[c],
    representatives: reps.texts[c],
    label: '',
  }));
  if (s.label_endpoint) {
    if (!s.label_model) throw new Error('--label-endpoint needs --label-model NAME (the chat model the server serves)');
    const labels = await labelClusters(
      described.filter((d) => d.size > 0),
      {
        endpoint: s.label_endpoint,
        model: s.label_model,
        apiKeyEnv: s.label_api_key_env,
        maxConcurrency: s.max_concurrency,
        timeoutMs: s.request_timeout_s * 1000,
        maxRetries: s.request_retries,
        cacheFile: path.join(outDir, FILES.labelCache),
      },
    );
    for (const d of described) d.label = labels.labels.get(d.cluster) ?? '';
    log(`labels: ${labels.labels.size} clusters labelled (${labels.cached} from the cache)${labels.failed.length ? `, ${labels.failed.length} unlabelled: ${labels.failed[0]}` : ''}`);
  }
  writeParquet(
    path.join(outDir, CLUSTERS.path),
    CLUSTERS,
    {
      cluster: Int32Array.from(described, (d) => d.cluster),
      size: centres.sizes,
      centroid: { values: centres.centroids, dims: centres.dims },
      keywords: described.map((d) => d.keywords),
      keyword_scores: described.map((d) => d.keywordScores),
      representative_ids: described.map((d) => d.representativeIds),
      representatives: described.map((d) => d.representatives),
      label: described.map((d) => d.label),
    },
    k,
  );
  return described;
}

/**
 * Keywords and representatives, each read from the run folder on its own: keywords on worker
 * threads while the main thread finds the representatives when the cores allow (keywordWorkers,
 * operators/workers/threads.ts), else one after the other. The same results either way.
 */
async function keywordsAndRepresentatives(outDir: string, k: number, s: Settings): Promise<{ keywords: KeywordResult; reps: Representatives }> {
  const options = { clusters: k, top: s.keywords_top, vocabulary: s.keywords_vocabulary, language: s.keywords_language };
  const workers = keywordWorkers(s.threads);
  if (workers === 0) return { keywords: clusterKeywords(outDir, options), reps: representativeRows(outDir, k, s.representatives) };
  const keywords = clusterKeywordsThreads(outDir, options, workers);
  try {
    return { reps: representativeRows(outDir, k, s.representatives), keywords: await keywords };
  } catch (e) {
    // The workers' own failure or the main thread's: either way they end before the stage does.
    await keywords.catch(() => {});
    throw e;
  }
}

/** What a cluster is about in one line: its LLM label and keywords, or "(empty)". */
export function describedAs(d: ClusterDescription | undefined): string {
  if (!d || d.keywords.length === 0) return '(no keywords)';
  const words = d.keywords.slice(0, 5).join(', ');
  return d.label ? `${d.label} — ${words}` : words;
}

/** clusters.parquet back, without centroids. */
export function readClusterDescriptions(outDir: string): ClusterDescription[] {
  const c = CLUSTERS.col;
  const t = readParquet(path.join(outDir, CLUSTERS.path), [c.cluster, c.size, c.keywords, c.keyword_scores, c.representative_ids, c.representatives, c.label]);
  const ids = int32sOf(t, c.cluster);
  const sizes = t.getChild(c.size)!.toArray() as BigInt64Array;
  const kw = stringListsOf(t, c.keywords);
  const scores = float32ListsOf(t, c.keyword_scores);
  const repIds = stringListsOf(t, c.representative_ids);
  const reps = stringListsOf(t, c.representatives);
  const labels = stringsOf(t, c.label);
  return Array.from(ids, (cluster, i) => ({
    cluster,
    size: Number(sizes[i]),
    keywords: kw[i],
    keywordScores: scores[i],
    representativeIds: repIds[i],
    representatives: reps[i],
    label: labels[i],
  }));
}
