import type { SpanningTree } from '../../core/hdbscan/mutual-reachability-mst.js';

/**
 * A hand-made spanning tree over 11 points (weights are distances, lambda = 1 / distance):
 *   A  = 0–1–2–3, edges of 1;
 *   B1 = 4–5–6 and B2 = 7–8–9, edges of 1, joined by 6–7 at 1.2 into B;
 *   point 10 hangs off 9 at 5 (it leaves B at lambda 0.2);
 *   A and B ∪ {10} are joined by 3–4 at 10 (lambda 0.1).
 * With min_cluster_size 3 the condensed tree is: root → A (cluster 1), B' (cluster 2) at 0.1;
 * B' loses point 10 at 0.2 and splits into B1 (3) and B2 (4) at 1/1.2; all other points fall out
 * at lambda 1. Stabilities: A 4·0.9 = 3.6; B' 0.1 + 6·(1/1.2 − 0.1) = 4.5; B1, B2 3·(1 − 1/1.2) = 0.5.
 */
export function handTree(): SpanningTree {
  const edges: [number, number, number][] = [
    [0, 1, 1], [1, 2, 1], [2, 3, 1],
    [4, 5, 1], [5, 6, 1], [7, 8, 1], [8, 9, 1], [6, 7, 1.2],
    [9, 10, 5],
    [3, 4, 10],
  ];
  return {
    from: Int32Array.from(edges, (e) => e[0]),
    to: Int32Array.from(edges, (e) => e[1]),
    weight: Float64Array.from(edges, (e) => e[2]),
  };
}
