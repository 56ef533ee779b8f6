import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTING_KEYS } from '../../schemas/config.js';
import { flagOf, keyOfFlag } from '../../schemas/flag-name.js';
import { launchShape } from '../../schemas/launch.js';
import { parseArgs } from '../../pipeline/settings/flags.js';

test('a key and its flag: underscores become dashes and back', () => {
  assert.equal(flagOf('kmeans_num_clusters'), '--kmeans-num-clusters');
  assert.equal(flagOf('seed'), '--seed');
  assert.equal(keyOfFlag('hdbscan-min-cluster-size'), 'hdbscan_min_cluster_size');
  for (const key of [...SETTING_KEYS, ...Object.keys(launchShape)]) assert.equal(keyOfFlag(flagOf(key).slice(2)), key);
});

test('the flag parser takes every setting under the spelling flagOf gives', () => {
  for (const key of SETTING_KEYS) {
    const parsed = parseArgs([flagOf(key), '1']);
    assert.ok(Object.hasOwn(parsed.settings.values, key), `${flagOf(key)} was not read as ${key}`);
  }
});
