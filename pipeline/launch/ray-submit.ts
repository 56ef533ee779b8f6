/**
 * Posts the rendered Ray job bodies to the Jobs REST API (POST <address>/api/jobs/), one per
 * shard, and returns the submission ids Ray answers with. A refused or unreachable head stops
 * at the first failure with what it said, naming the shards already submitted.
 */
import type { RayJobBody } from './ray.js';

export async function submitRay(address: string, bodies: readonly RayJobBody[], say: (m: string) => void): Promise<string[]> {
  const ids: string[] = [];
  for (const [shard, body] of bodies.entries()) {
    const url = `${address}/api/jobs/`;
    let answer: Response;
    try {
      answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new Error(`cannot reach the Ray head at ${url} (${(e as Error).message})${ids.length ? `; shards 0-${ids.length - 1} were submitted` : ''}: start it, or give --ray-address`);
    }
    const text = await answer.text();
    if (!answer.ok) throw new Error(`Ray refused shard ${shard}: HTTP ${answer.status} ${text.slice(0, 500)}${ids.length ? `; shards 0-${ids.length - 1} were submitted` : ''}`);
    const id = (JSON.parse(text) as { submission_id?: string; job_id?: string }).submission_id ?? '?';
    say(`ray: shard ${shard}/${bodies.length} submitted as ${id}`);
    ids.push(id);
  }
  return ids;
}
