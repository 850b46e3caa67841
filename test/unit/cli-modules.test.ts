// Start-up loads only the command module that runs: argv -> modules to import.
import { describe, expect, it } from 'vitest';
import { modulesFor } from '../../src/cli/main.js';

const ALL = ['add.js', 'model.js', 'remote.js', 'status.js'];
const argv = (...a: string[]) => ['node', 'cairn', ...a];

describe('modulesFor', () => {
  it('loads only the named command', () => {
    expect(modulesFor(argv('add', 'data'), ALL)).toEqual(['add.js']);
    expect(modulesFor(argv('model', 'show', 'churn@production'), ALL)).toEqual(['model.js']);
  });
  it('skips global flags before the command', () => {
    expect(modulesFor(argv('-q', 'status'), ALL)).toEqual(['status.js']);
    expect(modulesFor(argv('-v', '--quiet', 'remote', 'list'), ALL)).toEqual(['remote.js']);
  });
  it('loads every module for help, no command or an unknown one', () => {
    expect(modulesFor(argv(), ALL)).toEqual(ALL);
    expect(modulesFor(argv('--help'), ALL)).toEqual(ALL);
    expect(modulesFor(argv('help', 'add'), ALL)).toEqual(ALL);
    expect(modulesFor(argv('stauts'), ALL)).toEqual(ALL);
    expect(modulesFor(argv('../x'), ALL)).toEqual(ALL);
  });
});
