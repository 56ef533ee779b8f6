/**
 * One spelling of a setting on the command line: the key `kmeans_num_clusters` is the flag
 * `--kmeans-num-clusters`, for settings (config.ts) and launch options (launch.ts) alike.
 */
export function flagOf(key: string): string {
  return `--${key.replace(/_/g, '-')}`;
}

/** The key a flag name (without its dashes) stands for: `kmeans-num-clusters` → `kmeans_num_clusters`. */
export function keyOfFlag(name: string): string {
  return name.replace(/-/g, '_');
}
