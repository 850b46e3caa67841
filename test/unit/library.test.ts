// The package's library entry exposes one function per command.
import { describe, expect, it } from 'vitest';
import * as cairn from '../../src/api/index.js';

describe('library entry', () => {
  it('exports the command functions and the error types', () => {
    for (const name of ['init', 'add', 'status', 'checkout', 'commit', 'remove', 'gc', 'fsck', 'push', 'fetch', 'pull', 'repro', 'stageAdd', 'dag', 'metricsShow', 'metricsDiff', 'paramsDiff', 'plots', 'install']) {
      expect(typeof (cairn as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(new cairn.CairnError('CAIRN_INTEGRITY', 'x').exitCode).toBe(5);
  });
});
