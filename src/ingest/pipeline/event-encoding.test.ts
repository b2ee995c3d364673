import { describe, expect, it } from 'vitest';
import { messageColumnRef } from '../../store/index.js';
import type { EcsFields } from '../parsers/index.js';
import { encodeEvent } from './event-encoding.js';
import type { PipelineEvent } from './pipeline-event.js';

const event = (message: string | null, ecs: EcsFields): PipelineEvent => ({
  id: 'e1', time: 1, receivedAt: 2, source: 'in', sourceFormat: 'windows', message, raw: { m: message }, ecs,
});

/**
 * What encodeEvent must equal: every part through JSON.stringify; the stored ECS refers to the
 * message column for a message it carries as is (in its place: the store puts it back there).
 */
function expected(e: PipelineEvent): { json: string; dataJson: string } {
  const stored = e.message !== null && e.ecs.message === e.message ? { ...e.ecs, message: JSON.parse(messageColumnRef) as unknown } : e.ecs;
  return {
    json: JSON.stringify({ id: e.id, time: e.time, receivedAt: e.receivedAt, source: e.source, sourceFormat: e.sourceFormat, message: e.message, raw: e.raw, ecs: e.ecs }),
    dataJson: JSON.stringify({ format: e.sourceFormat, raw: e.raw, ecs: stored }),
  };
}

describe('encodeEvent', () => {
  const messages = [
    'plain', 'say "hi"', 'ends with a backslash \\', 'C:\\dir\\"x\\\\"', 'line\r\nnext\ttab \u0001', '"', '\\', '', 'ünïcødé ✓ "q"',
  ];
  for (const m of messages) {
    it(`gives JSON.stringify's text for the message ${JSON.stringify(m)}`, () => {
      for (const ecs of [
        { '@timestamp': 't', message: m, 'event.code': '1' },
        { message: m },
        { 'user.name': 'message', 'process.command_line': `x,"message":"${m}`, message: m, 'event.code': '"message":' },
      ] as EcsFields[]) {
        const e = event(m, ecs);
        const out = encodeEvent('org', e, JSON.stringify(e.raw));
        expect(out.json).toBe(expected(e).json);
        expect(out.row.dataJson).toBe(expected(e).dataJson);
        expect(JSON.parse(out.json)).toMatchObject({ message: m, ecs: { message: m } });
        // Without the bus form ECS is stringified around an empty message: the same row, the event unchanged.
        const before = JSON.stringify(e.ecs);
        expect(encodeEvent('org', e, JSON.stringify(e.raw), false).row.dataJson).toBe(expected(e).dataJson);
        expect(JSON.stringify(e.ecs)).toBe(before);
        // With the raw JSON's bytes, the row comes in parts around them.
        const raw = Buffer.from(JSON.stringify(e.raw));
        const parts = encodeEvent('org', e, JSON.stringify(e.raw), false, raw).dataParts!;
        expect(parts.raw).toBe(raw);
        expect(parts.head + raw.toString() + parts.tail).toBe(expected(e).dataJson);
      }
    });
  }

  it('encodes a message that ECS does not carry, or carries differently', () => {
    for (const e of [event('m', { 'event.code': '1' }), event('m', { message: 'other' }), event(null, { message: 'x' })]) {
      const out = encodeEvent('org', e, JSON.stringify(e.raw));
      expect(out.json).toBe(expected(e).json);
      expect(out.row.dataJson).toBe(expected(e).dataJson);
      expect(encodeEvent('org', e, JSON.stringify(e.raw), false).row.dataJson).toBe(expected(e).dataJson);
    }
  });
});
