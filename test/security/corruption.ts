// Helpers shared by the integrity tests: rot a cache object in place (size, mode and mtime
// kept), find what fsck/checkout quarantined, add a file and return its object id.
import { chmodSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { expectOk, readPointerFields, type HostileRepo } from './harness.js';

export const objectRel = (id: string) => join('xxh64x2', id.slice(0, 2), id.slice(2));
export const cacheObject = (h: HostileRepo, id: string) => join(h.root, '.cairn', 'cache', objectRel(id));

/** Flip one bit of a file, keeping its size, mode and mtime (what bit rot or a careless tool does). */
export function rot(file: string): void {
  const st = statSync(file);
  chmodSync(file, 0o644);
  const b = readFileSync(file);
  b[0] = b[0]! ^ 1;
  writeFileSync(file, b);
  chmodSync(file, st.mode & 0o777);
  utimesSync(file, st.atimeMs / 1000, st.mtimeMs / 1000);
  expect(Math.abs(statSync(file).mtimeMs - st.mtimeMs)).toBeLessThan(1);
  expect(statSync(file).size).toBe(st.size);
}

export function quarantined(h: HostileRepo): string[] {
  try {
    return readdirSync(join(h.root, '.cairn', 'cache', 'quarantine'));
  } catch {
    return [];
  }
}

export function addFile(h: HostileRepo, rel: string, content: string): string {
  h.write({ [rel]: content });
  expectOk(h.cairn(['add', rel]));
  return readPointerFields(join(h.root, `${rel}.cairn`)).id;
}
