// Byte progress through S3 (issue 10 item 11): a multipart upload reports its parts' bytes
// through lib-storage's httpUploadProgress, and a ranged download each range, to the meter
// push and pull are given; the totals add up to the object's size.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { add } from '../../src/api/add.js';
import { pull } from '../../src/api/pull.js';
import { push } from '../../src/api/push.js';
import { remoteAdd, remoteModify } from '../../src/api/remote.js';
import type { ByteMeter } from '../../src/core/progress.js';
import { cleanup, tempRepo } from '../helpers.js';
import { bucketName, makeBucket, noS3, s3, useS3Env } from '../s3-helpers.js';

afterEach(cleanup);

function recorder(): ByteMeter & { phases: { what: string; total?: number; bytes: number; adds: number; ended: boolean }[] } {
  const phases: { what: string; total?: number; bytes: number; adds: number; ended: boolean }[] = [];
  return {
    phases,
    start: (what, total) => void phases.push({ what, total, bytes: 0, adds: 0, ended: false }),
    add: (n) => {
      phases.at(-1)!.bytes += n;
      phases.at(-1)!.adds++;
    },
    end: () => void (phases.at(-1)!.ended = true),
  };
}

describe.skipIf(!!noS3)('byte progress to and from S3', () => {
  it('a 17 MiB object: multipart parts on the way up, 16 MiB ranges on the way down', async () => {
    useS3Env();
    const size = 17 * 1024 * 1024 + 5; // two 16 MiB parts, two ranges
    const dir = await tempRepo({ 'big.bin': Buffer.alloc(size, 7) });
    const addMeter = recorder();
    await add({ cwd: dir, targets: ['big.bin'], meter: addMeter });
    expect(addMeter.phases).toEqual([{ what: 'adding big.bin', total: size, bytes: size, adds: expect.any(Number), ended: true }]);
    const bucket = bucketName('progress');
    await makeBucket(bucket);
    await remoteAdd({ cwd: dir, name: 'store', url: `s3://${bucket}/p`, default: true });
    await remoteModify({ cwd: dir, name: 'store', key: 'endpoint', value: s3!.endpoint });
    await remoteModify({ cwd: dir, name: 'store', key: 'multipart_threshold_mb', value: '5' });
    const up = recorder();
    await push({ cwd: dir, meter: up });
    expect(up.phases).toHaveLength(1);
    expect(up.phases[0]).toMatchObject({ what: 'push', total: size, bytes: size, ended: true });
    expect(up.phases[0]!.adds).toBeGreaterThan(1); // reported as the parts went, not once at the end
    rmSync(join(dir, '.cairn', 'cache'), { recursive: true, force: true });
    rmSync(join(dir, 'big.bin'));
    const down = recorder();
    await pull({ cwd: dir, meter: down });
    expect(down.phases[0]).toMatchObject({ what: 'fetch', total: size, bytes: size, ended: true });
    expect(down.phases[0]!.adds).toBe(2);
  }, 30_000);
});
