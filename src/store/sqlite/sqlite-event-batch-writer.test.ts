import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messageColumnRef, orgScope, type NewEvent } from '../store.js';
import { openSqliteConnection } from './sqlite-driver.js';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('sqlite event batch writer', () => {
  it('stores message and data given as UTF-8 bytes as TEXT, byte for byte, and reads them back as the strings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-batch-writer-'));
    dirs.push(dir);
    const path = join(dir, 'store.db');
    const store = await createSqliteStore({ path });
    await store.migrate();
    const events = store.scoped(orgScope('org-a')).events;
    const message = 'Anmeldung fehlgeschlagen: „Straße“ ✓ 𝄞 "quoted"';
    const dataJson = `{"format":"windows","raw":{"Message":${JSON.stringify(message)},"n":[1,null]},"ecs":{"@timestamp":"t","message":${messageColumnRef}}}`;
    const base = { orgId: 'org-a', time: 1000, receivedAt: 2000, source: 'http', product: 'windows', category: null, service: 'security' };
    const rows: NewEvent[] = [
      { ...base, id: 'bytes', message: utf8(message), dataJson: utf8(dataJson) },
      { ...base, id: 'text', message, dataJson },
      { ...base, id: 'no-message', message: null, dataJson: utf8('{"a":"ü"}') },
    ];
    expect(await events.insertBatch({ orgId: 'org-a', batchId: 'b', receivedAt: 2000 }, rows)).toBe(3);

    const full = { format: 'windows', raw: { Message: message, n: [1, null] }, ecs: { '@timestamp': 't', message } };
    const bytes = (await events.get('bytes'))!;
    expect(bytes.message).toBe(message);
    expect(JSON.stringify(bytes.data)).toBe(JSON.stringify(full));
    expect((await events.batchEvents({ orgId: 'org-a', batchId: 'b' })).map((e) => [e.id, e.message, e.data])).toEqual([
      ['bytes', message, full],
      ['text', message, full],
      ['no-message', null, { a: 'ü' }],
    ]);
    // Text search runs on the column as text (LIKE on a BLOB would still match, so check the type too).
    expect((await events.query({ text: 'straße' })).items.map((e) => e.id).sort()).toEqual(['bytes', 'text']);
    await store.close();

    const raw = openSqliteConnection(path);
    const stored = raw.prepare("select id, typeof(message) as mt, typeof(data) as dt, message, data from events order by id").all([]) as Record<string, unknown>[];
    raw.close();
    expect(stored).toEqual([
      { id: 'bytes', mt: 'text', dt: 'text', message, data: dataJson },
      { id: 'no-message', mt: 'null', dt: 'text', message: null, data: '{"a":"ü"}' },
      { id: 'text', mt: 'text', dt: 'text', message, data: dataJson },
    ]);
  });
});
