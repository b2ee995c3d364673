import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ShieldwallError } from '../errors/error-catalog.js';
import { createStore } from './create-store.js';
import { orgScope } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'sw-create-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<ShieldwallError> {
  const e = await p.then(
    (s) => {
      void (s as { close?: () => Promise<void> }).close?.();
      return null;
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ShieldwallError);
  return e as ShieldwallError;
}

describe('createStore', () => {
  it('opens SQLite from sqlite:<path>, a plain path and :memory:', async () => {
    for (const url of [`sqlite:${join(dir, 'x', 'a.db')}`, join(dir, 'b.db'), ':memory:']) {
      const store = await createStore(url);
      expect(store.dialect).toBe('sqlite');
      await store.migrate();
      await store.scoped(orgScope('org-a')).organisations.create({ name: 'A' });
      expect(await store.auth.isEmpty()).toBe(false);
      await store.close();
    }
    const reopened = await createStore(`sqlite:${join(dir, 'x', 'a.db')}`);
    expect(await reopened.auth.isEmpty()).toBe(false);
    await reopened.close();
  });

  it('reports an unreachable PostgreSQL with host and port but never the password', async () => {
    const err = await failure(createStore('postgres://alice:s3cr%40t-pw@127.0.0.1:1/db'));
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: \S/);
    expect(err.message).not.toContain('s3cr');
    expect(JSON.stringify(err.toJSON())).not.toContain('s3cr');
  });

  it('rejects unknown schemes, an empty sqlite path and a bad schema parameter', async () => {
    expect((await failure(createStore('mysql://localhost/db'))).code).toBe('CONFIG_INVALID');
    expect((await failure(createStore('sqlite:'))).code).toBe('CONFIG_INVALID');
    expect((await failure(createStore('postgresql://127.0.0.1:1/db?schema=bad-name'))).code).toBe('CONFIG_INVALID');
  });
});
