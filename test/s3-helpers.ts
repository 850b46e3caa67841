// Helpers for tests that talk to the S3 test server started by test/global-setup.ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { inject } from 'vitest';
import type { S3TestServer } from './global-setup.js';

export const s3: S3TestServer | null = inject('s3');

/** Why S3 tests cannot run here, or undefined when they can. */
export const noS3 = s3 ? undefined : 'no S3 test server (CAIRN_TEST_S3=off or only non-remote tests selected)';
/** Why tests needing a real S3 server (signatures, pagination) cannot run, or undefined. */
export const notRealS3 = !s3 ? noS3 : s3.kind === 's3rver' ? 'needs a real S3 server: s3rver (the fallback) checks no signatures and cannot paginate' : undefined;
export const AWS_CLI = '/usr/bin/aws';
export const noAwsCli = existsSync(AWS_CLI) ? undefined : `${AWS_CLI} (Debian's awscli) is not installed`;

/** Credentials in the environment, as the SDK's default chain reads them. */
export function s3Env(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: s3!.key,
    AWS_SECRET_ACCESS_KEY: s3!.secret,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export function useS3Env(): void {
  Object.assign(process.env, s3Env());
}

let counter = 0;
/** A bucket name unique to this test. */
export function bucketName(tag: string): string {
  return `cairn-${tag}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`.toLowerCase().slice(0, 63);
}

/** Create a bucket with the SDK. */
export async function makeBucket(name: string): Promise<void> {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const c = client(S3Client);
  await c.send(new CreateBucketCommand({ Bucket: name }));
  c.destroy();
}

export function client<T>(S3Client: new (o: Record<string, unknown>) => T): T {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return new S3Client({
    endpoint: s3!.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3!.key, secretAccessKey: s3!.secret },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Run Debian's aws CLI against the test server. */
export function aws(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(AWS_CLI, ['--endpoint-url', s3!.endpoint, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...s3Env(), AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
