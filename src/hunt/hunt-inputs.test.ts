import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { huntInputs } from './hunt-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'sw-hunt-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `files` (relative path → content) under a fresh folder and returns it. */
function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

describe('huntInputs', () => {
  it('walks a directory depth first in name order, taking only the names the readers know', async () => {
    const root = tree('logs', {
      'b/sysmon.evtx': 'x',
      'a.ndjson': '{}\n',
      'b/a/security.JSON': '{}',
      'c.jsonl.gz': 'gz',
      'd.zip': 'zip',
      'notes.txt': 'not an event file',
      'e.gz': 'a bare .gz could be anything',
      '.git/x.json': '{}',
      '._a.evtx': 'macOS resource fork',
    });
    const got = await huntInputs([root]);
    expect(got.files).toEqual(['a.ndjson', 'b/a/security.JSON', 'b/sysmon.evtx', 'c.jsonl.gz', 'd.zip'].map((f) => join(root, f)));
    expect(got.bytes).toBe(3 + 2 + 1 + 2 + 3);
  });

  it('takes a named file whatever its name, keeps the order of the arguments and hunts a file once', async () => {
    const root = tree('mixed', { 'x.log': '{}', 'in/y.json': '{}' });
    const got = await huntInputs([join(root, 'x.log'), root, join(root, 'in/y.json')]);
    expect(got.files).toEqual([join(root, 'x.log'), join(root, 'in/y.json')]);
  });

  it('follows a link to a file but not one to a directory, so a loop ends', async () => {
    const root = tree('links', { 'real/a.json': '{}' });
    symlinkSync(join(root, 'real'), join(root, 'real', 'loop.json'));
    symlinkSync(join(root, 'real', 'a.json'), join(root, 'b.json'));
    symlinkSync(join(root, 'missing.json'), join(root, 'dangling.json'));
    const got = await huntInputs([root]);
    expect(got.files).toEqual([join(root, 'b.json'), join(root, 'real/a.json')]);
  });

  it('names the argument that does not exist or holds no event file', async () => {
    await expect(huntInputs([join(dir, 'nope.json')])).rejects.toThrow(`input "${join(dir, 'nope.json')}" does not exist`);
    const empty = tree('empty', { 'readme.md': '#' });
    await expect(huntInputs([empty])).rejects.toThrow(`input directory "${empty}" holds no .json, .ndjson, .jsonl, .evtx, .zip or .gz of those`);
  });
});
