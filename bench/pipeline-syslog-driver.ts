/**
 * Syslog half of the pipeline benchmark, run as its own process: replays the real LF-framed TCP
 * captures of ../shared/testdata/syslog (logger RFC 5424/3164, CEF, rsyslog traditional) to the
 * node's syslog TCP listener until `frames` lines are written, respecting socket backpressure.
 * Input (argv[2], JSON): {address: "host:port", syslogDir, frames, connections}.
 * Output: one JSON line {frames, startedAt, endedAt}.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const opts = JSON.parse(process.argv[2] ?? '{}') as { address: string; syslogDir: string; frames: number; connections: number };
const captures = ['logger-tcp-rfc5424-lf.tcp', 'logger-tcp-rfc3164-lf.tcp', 'logger-tcp-rfc3164-lf-cef.tcp', 'rsyslog-tcp-traditional-lf.tcp'];
const lines = captures.flatMap((f) => readFileSync(join(opts.syslogDir, f), 'utf8').split('\n').filter((l) => l.trim() !== ''));
const idx = opts.address.lastIndexOf(':');
const host = opts.address.slice(0, idx).replace(/^\[|\]$/g, '');
const port = Number(opts.address.slice(idx + 1));

async function send(count: number): Promise<void> {
  const socket = connect({ host, port });
  await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
  // About 64 KB per write: one syscall per few hundred frames, as a relay would send them.
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += lines[i % lines.length]! + '\n';
    if (chunk.length > 65_536 || i === count - 1) {
      if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      chunk = '';
    }
  }
  await new Promise<void>((res) => socket.end(res));
}

const startedAt = Date.now();
const per = Math.ceil(opts.frames / opts.connections);
await Promise.all(Array.from({ length: opts.connections }, (_, i) => send(Math.max(0, Math.min(per, opts.frames - i * per)))));
process.stdout.write(JSON.stringify({ frames: opts.frames, startedAt, endedAt: Date.now() }) + '\n');
