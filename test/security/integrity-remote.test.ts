// A bad copy on a remote (size and mtime kept) is found and replaced (issue 8.5): push
// --verify-remote, status --cloud --verify-remote, or fetch rejecting it (recorded, so the
// next push replaces it). Folder remote, and the real S3 server.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, expectOk, expectRefused, hostileRepo, readPointerFields } from './harness.js';
import { addFile, objectRel, rot } from './corruption.js';
import { bucketName, makeBucket, noS3, s3, s3Env } from '../s3-helpers.js';

afterEach(cleanup);

describe('a corrupt copy on the remote is found and replaced', () => {
  it('push --verify-remote replaces it; status --cloud --verify-remote does not call it in sync', () => {
    const h = hostileRepo();
    const id = addFile(h, 'model.bin', 'the real model\n');
    expectOk(h.cairn(['push']));
    rot(join(h.remote, objectRel(id)));
    // cheap checks cannot see it (size and mtime kept): that is what verification is for
    expect(h.cairn(['push']).stdout).toContain('1 already on remote');
    const st = h.cairn(['status', '--cloud', '--verify-remote', '--json', '--exit-code']);
    expect(st.code).toBe(1);
    const cloud = JSON.parse(st.stdout).cloud;
    expect(cloud.targets).toMatchObject([{ path: 'model.bin', status: 'corrupt', corrupt: 1 }]);
    expect(cloud.inSync).toBe(false);
    expect(h.cairn(['status', '--cloud']).stdout).toContain('model.bin: corrupt on the remote');

    const p = h.cairn(['push', '--verify-remote', '--json']);
    expectOk(p);
    const s = JSON.parse(p.stdout);
    expect(s.replaced).toEqual([{ id, path: 'model.bin' }]);
    expect(readFileSync(join(h.remote, objectRel(id)), 'utf8')).toBe('the real model\n');
    const again = h.cairn(['status', '--cloud', '--verify-remote']);
    expectOk(again);
    expect(again.stdout).toContain('in sync');
  });

  it('push --verify-remote checks the files of a directory whose manifest is on the remote', () => {
    const h = hostileRepo();
    h.write({ 'ds/a.txt': 'alpha\n', 'ds/b.txt': 'beta\n' });
    expectOk(h.cairn(['add', 'ds']));
    expectOk(h.cairn(['push']));
    const objs = readdirSync(join(h.remote, 'xxh64x2')).flatMap((p) => readdirSync(join(h.remote, 'xxh64x2', p)).map((r) => p + r));
    const aid = objs.find((i) => !i.endsWith('.dir') && readFileSync(join(h.remote, objectRel(i)), 'utf8') === 'alpha\n')!;
    rot(join(h.remote, objectRel(aid)));
    const p = h.cairn(['push', '--verify-remote', '--json']);
    expectOk(p);
    expect(JSON.parse(p.stdout).replaced).toEqual([{ id: aid, path: 'ds/a.txt' }]);
    expect(readFileSync(join(h.remote, objectRel(aid)), 'utf8')).toBe('alpha\n');
  });

  it('a corrupt directory manifest on the remote: status --cloud in a fresh clone says corrupt, push --verify-remote fixes it', () => {
    const h = hostileRepo();
    h.write({ 'ds/a.txt': 'alpha\n', 'ds/b.txt': 'beta\n' });
    expectOk(h.cairn(['add', 'ds']));
    expectOk(h.cairn(['push']));
    h.commit('ds');
    const { id } = readPointerFields(join(h.root, 'ds.cairn'));
    rot(join(h.remote, objectRel(id)));
    const v = h.victimClone();
    const st = v.cairn(['status', '--cloud', '--json']);
    expectOk(st);
    expect(JSON.parse(st.stdout).cloud.targets).toMatchObject([{ path: 'ds', status: 'corrupt' }]);
    const p = h.cairn(['push', '--verify-remote', '--json']);
    expectOk(p);
    expect(JSON.parse(p.stdout).replaced).toEqual([{ id, path: 'ds' }]);
    // the clone recorded it as bad; verifying again finds it good and forgets the record
    expect(v.cairn(['status', '--cloud', '--verify-remote']).stdout).toContain('only on the remote');
    expectOk(v.cairn(['pull']));
    expect(readFileSync(join(v.root, 'ds', 'b.txt'), 'utf8')).toBe('beta\n');
  });

  it('an object fetch rejected is recorded: status --cloud shows it, the next push replaces it', () => {
    const h = hostileRepo();
    const id = addFile(h, 'model.bin', 'weights v1\n');
    expectOk(h.cairn(['push']));
    h.commit('model');
    rot(join(h.remote, objectRel(id)));
    const v = h.victimClone();
    const pull = v.cairn(['pull']);
    expectRefused(pull, { exit: 5, mentions: [objectRel(id).split('\\').join('/'), 'model.bin', 'push'] });
    expect(existsSync(join(v.root, 'model.bin'))).toBe(false);
    // without downloading again, status --cloud knows the remote copy is bad
    expect(v.cairn(['status', '--cloud']).stdout).toContain('model.bin: corrupt on the remote');
    // the data turns up again on this machine (re-created, or copied from a colleague)
    v.write({ 'model.bin': 'weights v1\n' });
    expectOk(v.cairn(['commit']));
    const p = v.cairn(['push', '--json']);
    expectOk(p);
    expect(JSON.parse(p.stdout).replaced).toEqual([{ id, path: 'model.bin' }]);
    expect(readFileSync(join(h.remote, objectRel(id)), 'utf8')).toBe('weights v1\n');
    expectOk(h.victimClone().cairn(['pull']));
  });
});

describe.skipIf(!!noS3)('on a real S3 server', () => {
  it('push --verify-remote replaces a corrupt object in a bucket', async () => {
    const h = hostileRepo();
    const b = bucketName('verify');
    await makeBucket(b);
    expectOk(h.cairn(['remote', 'add', '-d', 'cloud', `s3://${b}/p`]));
    expectOk(h.cairn(['remote', 'modify', 'cloud', 'endpoint', s3!.endpoint]));
    const id = addFile(h, 'model.bin', 'weights in the cloud\n');
    expectOk(h.cairn(['push'], s3Env()));
    const { S3Client, PutObjectCommand, GetObjectCommand } = await import('@aws-sdk/client-s3');
    const { client } = await import('../s3-helpers.js');
    const c = client(S3Client);
    const Key = `p/${objectRel(id)}`;
    await c.send(new PutObjectCommand({ Bucket: b, Key, Body: 'weights in the clouD\n' }));
    expect(h.cairn(['push'], s3Env()).stdout).toContain('1 already on remote');
    const st = h.cairn(['status', '--cloud', '--verify-remote', '--json'], s3Env());
    expect(JSON.parse(st.stdout).cloud.targets[0].status).toBe('corrupt');
    const p = h.cairn(['push', '--verify-remote', '--json'], s3Env());
    expectOk(p);
    expect(JSON.parse(p.stdout).replaced).toEqual([{ id, path: 'model.bin' }]);
    const got = await c.send(new GetObjectCommand({ Bucket: b, Key }));
    expect(await got.Body!.transformToString()).toBe('weights in the cloud\n');
    c.destroy();
  });
});
