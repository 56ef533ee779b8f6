/**
 * `launch slurm --stages`: the one stage command split into each stage's command. Each flag
 * goes to the stage that owns its setting and the stages after it; a flag no stage owns to all;
 * INPUT… to the first stage alone. Every stage's command is then checked by the stage's own
 * parser and ownership rule (semclust STAGE --help would refuse a later stage's flag).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainStages } from '../../../pipeline/launch/stage-chain.js';
import { parseStageCommand } from '../../../pipeline/launch/stage-command.js';

const words = (stage: ReturnType<typeof chainStages>[number]) => [stage.command, ...stage.args.map((w) => (typeof w === 'string' ? w : `$${w.env}`))].join(' ');

test('each stage gets its own flags and those of the stages before it; inputs only the first; a credential stays a variable', () => {
  const stage = parseStageCommand([
    'embed', 'a.jsonl', 'b.jsonl', 'out', '--text-key', 'body', '--embedding-endpoint', 'http://u:pw@h/v1', '--kmeans-num-clusters=50',
    '--sample-size', '100', '--threads', '4', '--quiet', '--per-cluster', '3',
  ]);
  const chain = chainStages(stage, ['embed', 'fit', 'infer', 'sample']);
  assert.deepEqual(chain.map(words), [
    'embed a.jsonl b.jsonl out --text-key body --embedding-endpoint $SEMCLUST_EMBEDDING_ENDPOINT --threads 4 --quiet',
    'fit out --text-key body --embedding-endpoint $SEMCLUST_EMBEDDING_ENDPOINT --kmeans-num-clusters=50 --threads 4 --quiet',
    'infer out --text-key body --embedding-endpoint $SEMCLUST_EMBEDDING_ENDPOINT --kmeans-num-clusters=50 --threads 4 --quiet',
    'sample out --text-key body --embedding-endpoint $SEMCLUST_EMBEDDING_ENDPOINT --kmeans-num-clusters=50 --sample-size 100 --threads 4 --quiet --per-cluster 3',
  ]);
  assert.deepEqual(chain.map((c) => c.sharded), [true, false, true, false]);
});

test('a boolean flag does not swallow the positional after it; a chain from infer keeps an earlier stage\'s flag (checked against its record)', () => {
  const stage = parseStageCommand(['infer', 'out', '--enable-umap', '--text-key', 'body']);
  assert.deepEqual(chainStages(stage, ['infer', 'sample']).map(words), ['infer out --enable-umap --text-key body', 'sample out --enable-umap --text-key body']);
  const embed = parseStageCommand(['embed', '--text-key', 'body', 'in.jsonl', 'out']);
  assert.deepEqual(chainStages(embed, ['embed', 'fit']).map(words), ['embed --text-key body in.jsonl out', 'fit --text-key body out']);
});

test('a flag of a stage the chain does not run, and a chain that does not start with the stage command, are refused', () => {
  const stage = parseStageCommand(['embed', 'in.jsonl', 'out', '--dedup-epsilon', '0.1']);
  assert.throws(() => chainStages(stage, ['embed', 'fit', 'infer', 'sample']), /--dedup-epsilon belongs to the dedup stage, which --stages embed,fit,infer,sample does not run/);
  assert.equal(chainStages(stage, ['embed', 'fit', 'infer', 'dedup', 'sample'])[3].args.join(' '), 'out --dedup-epsilon 0.1');
  assert.throws(() => chainStages(stage, ['fit', 'infer']), /starts with fit, but the stage command after -- is embed/);
});
