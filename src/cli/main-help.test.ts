// The root help, listed without loading the command modules, must read exactly as the help the
// registered commands produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from './main.js';

test('flotilla --help lists the same commands as the commands register themselves', async () => {
  const listed = (await buildProgram(['--help'])).helpInformation();
  const registered = (await buildProgram()).helpInformation();
  assert.equal(listed, registered);
  assert.match(listed, /^ {2}kustomize {2,}render kustomizations natively/m);
  assert.equal((await buildProgram(['-n', 'x', '--verbose'])).helpInformation(), registered);
});
