import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationS, parseMemoryMiB } from '../../../schemas/launch.js';
import { slurmTime } from '../../../pipeline/launch/slurm.js';

test('launch --mem: sizes in MiB, a plain number is MiB as in Slurm, nonsense is refused', () => {
  const cases: [string, number | undefined][] = [
    ['16G', 16384], ['16GiB', 16384], ['512M', 512], ['512', 512], ['1.5G', 1536], ['2T', 2097152], ['1024K', 1], ['0', undefined], ['lots', undefined], ['16 GB', 16384], ['-1G', undefined],
  ];
  for (const [raw, mib] of cases) assert.equal(parseMemoryMiB(raw), mib, raw);
});

test('launch --time: unit words, Slurm clock forms and plain minutes in seconds; back to Slurm D-HH:MM:SS', () => {
  const cases: [string, number | undefined][] = [
    ['90m', 5400], ['2h', 7200], ['1h30m', 5400], ['45s', 45], ['1d', 86400], ['45', 2700], ['1:30:00', 5400], ['30:00', 1800], ['2-04:00:00', 187200], ['0', undefined], ['soon', undefined], ['', undefined],
  ];
  for (const [raw, s] of cases) assert.equal(parseDurationS(raw), s, raw);
  assert.equal(slurmTime(5400), '01:30:00');
  assert.equal(slurmTime(187200 + 61), '2-04:01:01');
});
