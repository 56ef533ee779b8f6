import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { STAGES } from '../../../schemas/config.js';
import { COMMAND_HELP, mainHelp } from '../../../pipeline/cli/help.js';
import { STAGE_BY_NAME, stageList } from '../../../pipeline/stages/index.js';

test('the stage list follows STAGES, and each stage is registered under its own name', () => {
  assert.deepEqual(stageList().map((s) => s.name), [...STAGES]);
  for (const [name, stage] of Object.entries(STAGE_BY_NAME)) assert.equal(stage.name, name);
});

test('each stage file loads when a process imports it first (the registry and the manifest form an import cycle)', () => {
  for (const name of STAGES) {
    const file = new URL(`../../../pipeline/stages/${name}.js`, import.meta.url).href;
    // A fresh process each: the order modules first load in decides whether a cycle bites.
    assert.doesNotThrow(() => execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(file)})`], { stdio: 'pipe' }), name);
  }
});

test('a stage needs only earlier stages, and its command runs it last after earlier stages only', () => {
  for (const stage of stageList()) {
    const at = STAGES.indexOf(stage.name);
    for (const need of stage.needs) assert.ok(STAGES.indexOf(need) < at, `${stage.name} needs ${need}`);
    const runs = stage.command.runs;
    assert.equal(runs[runs.length - 1], stage.name);
    assert.deepEqual([...runs].sort((a, b) => STAGES.indexOf(a) - STAGES.indexOf(b)), [...runs], `${stage.name} runs ${runs.join(', ')}`);
  }
});

test("semclust help STAGE prints the stage's own help, which starts with its usage", () => {
  for (const stage of stageList()) {
    assert.equal(COMMAND_HELP[stage.name], stage.command.help);
    assert.match(stage.command.help, new RegExp(`^semclust ${stage.name} `));
    assert.match(stage.command.usage, new RegExp(`^semclust ${stage.name} `));
  }
});

test('semclust --help lists every stage command with its summary, in pipeline order', () => {
  const lines = mainHelp().split('\n');
  const at = stageList().map((s) => lines.findIndex((l) => l.startsWith(`  semclust ${s.name} `) && l.endsWith(s.command.summary)));
  assert.ok(at.every((i) => i > 0), at.join(', '));
  assert.deepEqual([...at].sort((a, b) => a - b), at);
});
