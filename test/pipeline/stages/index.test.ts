import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STAGES } from '../../../schemas/config.js';
import { COMMAND_HELP, mainHelp } from '../../../pipeline/cli/help.js';
import { STAGE_BY_NAME, STAGE_LIST } from '../../../pipeline/stages/index.js';

test('the stage list follows STAGES, and each stage is registered under its own name', () => {
  assert.deepEqual(STAGE_LIST.map((s) => s.name), [...STAGES]);
  for (const [name, stage] of Object.entries(STAGE_BY_NAME)) assert.equal(stage.name, name);
});

test('a stage needs only earlier stages, and its command runs it last after earlier stages only', () => {
  for (const stage of STAGE_LIST) {
    const at = STAGES.indexOf(stage.name);
    for (const need of stage.needs) assert.ok(STAGES.indexOf(need) < at, `${stage.name} needs ${need}`);
    const runs = stage.command.runs;
    assert.equal(runs[runs.length - 1], stage.name);
    assert.deepEqual([...runs].sort((a, b) => STAGES.indexOf(a) - STAGES.indexOf(b)), [...runs], `${stage.name} runs ${runs.join(', ')}`);
  }
});

test("semclust help STAGE prints the stage's own help, which starts with its usage", () => {
  for (const stage of STAGE_LIST) {
    assert.equal(COMMAND_HELP[stage.name], stage.command.help);
    assert.match(stage.command.help, new RegExp(`^semclust ${stage.name} `));
    assert.match(stage.command.usage, new RegExp(`^semclust ${stage.name} `));
  }
});

test('semclust --help lists every stage command with its summary, in pipeline order', () => {
  const lines = mainHelp().split('\n');
  const at = STAGE_LIST.map((s) => lines.findIndex((l) => l.startsWith(`  semclust ${s.name} `) && l.endsWith(s.command.summary)));
  assert.ok(at.every((i) => i > 0), at.join(', '));
  assert.deepEqual([...at].sort((a, b) => a - b), at);
});
