import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** One socket line of /proc/net/udp or /proc/net/udp6. */
export interface ProcUdpSocket {
  localPort: number;
  /** Bytes waiting in the socket's receive queue. */
  rxQueue: number;
  inode: number;
  /** Datagrams the kernel dropped for this socket since it was created (receive buffer full, mostly). */
  drops: number;
}

/**
 * Parses the socket table of /proc/net/udp or /proc/net/udp6 (Linux). Columns: `sl local_address
 * rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops`;
 * addresses and queues are hex. Lines that do not fit are skipped.
 */
export function parseProcNetUdp(text: string): ProcUdpSocket[] {
  const sockets: ProcUdpSocket[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13 || !/^\d+:$/.test(f[0]!)) continue;
    const port = parseInt(f[1]!.split(':')[1] ?? '', 16);
    const rx = parseInt(f[4]!.split(':')[1] ?? '', 16);
    const inode = Number(f[9]);
    const drops = Number(f[12]);
    if (Number.isFinite(port) && Number.isFinite(inode) && Number.isFinite(drops)) {
      sockets.push({ localPort: port, rxQueue: Number.isFinite(rx) ? rx : 0, inode, drops });
    }
  }
  return sockets;
}

/**
 * Reads the kernel's drop counter of one of this process's UDP sockets: datagrams lost before
 * Node ever saw them, because the socket's receive buffer was full. Linux only: the socket is
 * found once, by local port among the sockets this process holds (`/proc/self/fd` links to
 * `socket:[inode]`), then read by inode, so another process on the same port is never mistaken
 * for ours. Where /proc is absent (macOS, Windows, some containers) {@link locate} answers undefined.
 *
 * @example
 * const drops = UdpKernelDrops.locate(5514);
 * drops?.read(); // 0, then the socket's cumulative drop count
 */
export class UdpKernelDrops {
  private constructor(
    private readonly procRoot: string,
    readonly inode: number,
  ) {}

  /** Finds this process's UDP socket bound to `port`; undefined when /proc cannot tell. */
  static locate(port: number, procRoot = '/proc'): UdpKernelDrops | undefined {
    try {
      const ours = new Set<number>();
      const fdDir = path.join(procRoot, 'self', 'fd');
      for (const fd of readdirSync(fdDir)) {
        let target: string;
        try {
          target = readlinkSync(path.join(fdDir, fd));
        } catch {
          continue; // closed meanwhile
        }
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m) ours.add(Number(m[1]));
      }
      for (const file of ['udp', 'udp6']) {
        const hit = readTable(procRoot, file).find((s) => s.localPort === port && ours.has(s.inode));
        if (hit) return new UdpKernelDrops(procRoot, hit.inode);
      }
    } catch {
      // No /proc (or not Linux's): kernel drops cannot be counted here.
    }
    return undefined;
  }

  /** The socket's current kernel counters, or undefined once the socket is gone. */
  read(): { drops: number; rxQueue: number } | undefined {
    for (const file of ['udp', 'udp6']) {
      const hit = readTable(this.procRoot, file).find((s) => s.inode === this.inode);
      if (hit) return { drops: hit.drops, rxQueue: hit.rxQueue };
    }
    return undefined;
  }
}

function readTable(procRoot: string, file: string): ProcUdpSocket[] {
  try {
    return parseProcNetUdp(readFileSync(path.join(procRoot, 'net', file), 'utf8'));
  } catch {
    return []; // no IPv6 in this kernel, for instance
  }
}
