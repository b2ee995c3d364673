import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDeps, valueOf } from './input-test-kit.js';
import { SyslogUdpInput } from './syslog-udp-input.js';
import { parseProcNetUdp, UdpKernelDrops } from './udp-kernel-drops.js';

// Two sockets on port 5514 (0x158A): 4242 is another process's, 777 is ours.
const procNetUdp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  420: 0100007F:158A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 9
  421: 0100007F:158A 00000000:0000 07 00000000:00000A00 00:00000000 00000000  1000        0 777 2 0000000000000000 31
  900: 00000000:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 15 2 0000000000000000 0
`;

const fakeProc = mkdtempSync(path.join(tmpdir(), 'sw-proc-'));
afterAll(() => rmSync(fakeProc, { recursive: true, force: true }));

describe('UdpKernelDrops', () => {
  it('parses the socket table of /proc/net/udp', () => {
    expect(parseProcNetUdp(procNetUdp)).toEqual([
      { localPort: 5514, rxQueue: 0, inode: 4242, drops: 9 },
      { localPort: 5514, rxQueue: 2560, inode: 777, drops: 31 },
      { localPort: 514, rxQueue: 0, inode: 15, drops: 0 },
    ]);
  });

  it("finds this process's socket by port among its own file descriptors, never another process's", () => {
    mkdirSync(path.join(fakeProc, 'self', 'fd'), { recursive: true });
    mkdirSync(path.join(fakeProc, 'net'), { recursive: true });
    symlinkSync('socket:[777]', path.join(fakeProc, 'self', 'fd', '7'));
    symlinkSync('/dev/null', path.join(fakeProc, 'self', 'fd', '0'));
    writeFileSync(path.join(fakeProc, 'net', 'udp'), procNetUdp);
    const drops = UdpKernelDrops.locate(5514, fakeProc);
    expect(drops?.inode).toBe(777);
    expect(drops?.read()).toEqual({ drops: 31, rxQueue: 2560 });
    expect(UdpKernelDrops.locate(514, fakeProc)).toBeUndefined(); // inode 15 is not ours
    expect(UdpKernelDrops.locate(5514, path.join(fakeProc, 'absent'))).toBeUndefined();
  });
});

describe('SyslogUdpInput kernel drops', () => {
  it('counts datagrams the kernel dropped while the event loop was blocked as dropped{reason="kernel"}', async () => {
    const deps = testDeps();
    // The smallest receive buffer Linux allows holds a couple of datagrams.
    const input = new SyslogUdpInput({ ...deps, address: '127.0.0.1:0', recvBufferBytes: 1, kernelDropsPollMs: 60_000 });
    const address = await input.start();
    try {
      if (input.kernelDropCount() === undefined) {
        console.warn('skipping the kernel drop check: /proc/net/udp is not readable here');
        return;
      }
      const port = Number(address.split(':').pop());
      // spawnSync blocks this event loop while another process floods the socket: what the kernel
      // cannot buffer is lost before Node sees it, exactly like during a long store write.
      const sender = `const s=require('dgram').createSocket('udp4');let n=0;const m=Buffer.alloc(1200,65);
        (function go(){if(n++>=300){s.close();return;}s.send(m,${port},'127.0.0.1',go);})();`;
      const run = spawnSync(process.execPath, ['-e', sender], { stdio: 'ignore', timeout: 20_000 });
      expect(run.status).toBe(0);
      const dropped = input.kernelDropCount()!;
      expect(dropped).toBeGreaterThan(100);
      expect(await valueOf(deps.metrics.dropped, { input: 'syslog-udp', reason: 'kernel' })).toBe(dropped);
      expect(deps.logger.lines.some((l) => l.msg.includes('dropped by the kernel'))).toBe(true);
    } finally {
      await input.close();
    }
  });

  it('warns when the OS grants a smaller receive buffer than asked', async () => {
    const deps = testDeps();
    const input = new SyslogUdpInput({ ...deps, address: '127.0.0.1:0', recvBufferBytes: 2 ** 30 });
    await input.start();
    await input.close();
    expect(deps.logger.lines.find((l) => l.level === 'warn' && l.msg.includes('receive buffer'))?.obj).toMatchObject({ askedBytes: 2 ** 30 });
  });
});
