/**
 * The stage command after `--` in `semclust launch … -- embed IN… OUT [flags]`: checked the
 * way the stage itself would check it (unknown flags, a stage that cannot be sharded, stdin)
 * before any job is rendered or submitted, and OUTDIR taken from its own positional arguments.
 */
import { SHARDED_COMMANDS } from '../../schemas/launch.js';
import { parseArgs } from '../settings/flags.js';
import { LaunchUsageError, type StageCommand } from './job.js';
import { extractSecrets } from './secrets.js';

const SYNONYMS: Record<string, string> = { inference: 'infer' };

export function parseStageCommand(words: readonly string[]): StageCommand {
  const rest = words[0] === 'semclust' ? words.slice(1) : [...words];
  if (rest.length === 0) throw new LaunchUsageError('no stage command after --; write e.g. -- embed data/*.jsonl out/run');
  const command = SYNONYMS[rest[0]] ?? rest[0];
  if (!(SHARDED_COMMANDS as readonly string[]).includes(command)) {
    throw new LaunchUsageError(`"${rest[0]}" does not run in shards; launch runs ${SHARDED_COMMANDS.join(', ')} (fit and sample run once, on one node, after the merge)`);
  }
  const args = rest.slice(1);
  const own = args.find((a) => /^--(shard|num-shards|num_shards)(=|$)/.test(a));
  if (own) throw new LaunchUsageError(`the stage command has ${own}; leave it out: launch gives each shard its own --shard i/N`);
  // The stage's own flag check, so a typo fails here and not in N jobs on a cluster.
  const parsed = parseArgs(args, ['quiet'], ['quiet']);
  const positionals = parsed.positionals;
  if (positionals.includes('-')) throw new LaunchUsageError('stdin (-) cannot be sharded: every shard must read the same files; give the input files or globs');
  if (command === 'embed' && positionals.length < 2) throw new LaunchUsageError(`embed needs INPUT... OUTDIR, got ${positionals.length === 0 ? 'neither' : `only ${positionals[0]}`}`);
  if (positionals.length === 0) throw new LaunchUsageError(`${command} needs [INPUT...] OUTDIR`);
  return { command: command as StageCommand['command'], ...extractSecrets(args), outDir: positionals[positionals.length - 1] };
}
