import { slotMapAdd, slotMapRemove, type SlotMap } from './slot-map.js';

/**
 * CIDR lookup by prefix length: for each prefix length in use, a map from the masked network to
 * indicator slots. A lookup masks the address once per distinct prefix length and does one
 * Map.get, so its cost grows with the number of prefix lengths (at most 33 or 129), never with
 * the number of CIDRs. IPv4 networks are uint32 keys; IPv6 ones are `w0.w1.w2.w3` strings.
 */
export class CidrTable<K extends number | string> {
  private readonly byPrefix = new Map<number, SlotMap<K>>();
  /** Prefix lengths in use, longest first (most specific match reported first). */
  private prefixes: number[] = [];
  /** The maps of `prefixes`, in the same order, so a lookup does no Map.get per prefix. */
  private maps: Array<SlotMap<K>> = [];
  private readonly counts = new Map<number, number>();

  /**
   * IPv4 only: CIDRs of /16 or longer per /16 block. An address whose block holds none skips
   * those prefix lengths altogether: events mostly carry addresses no feed lists (private ranges,
   * the organisation's own), so most lookups end after the short prefixes.
   */
  private readonly blocks?: Uint32Array;

  constructor(
    private readonly maskKey: (words: ArrayLike<number>, prefix: number) => K,
    options: { blocks16?: boolean } = {},
  ) {
    if (options.blocks16) this.blocks = new Uint32Array(65536);
  }

  add(prefix: number, network: K, slot: number): void {
    let map = this.byPrefix.get(prefix);
    if (!map) {
      this.byPrefix.set(prefix, (map = new Map()));
      this.prefixes = [...this.prefixes, prefix].sort((a, b) => b - a);
      this.maps = this.prefixes.map((p) => this.byPrefix.get(p)!);
    }
    const before = map.size;
    slotMapAdd(map, network, slot);
    if (map.size > before) {
      this.counts.set(prefix, (this.counts.get(prefix) ?? 0) + 1);
      if (this.blocks && prefix >= 16) this.blocks[(network as number) >>> 16]!++;
    }
  }

  remove(prefix: number, network: K, slot: number): void {
    const map = this.byPrefix.get(prefix);
    if (!map || !slotMapRemove(map, network, slot)) return;
    if (this.blocks && prefix >= 16) this.blocks[(network as number) >>> 16]!--;
    const left = (this.counts.get(prefix) ?? 1) - 1;
    this.counts.set(prefix, left);
    if (left === 0) {
      this.byPrefix.delete(prefix);
      this.counts.delete(prefix);
      this.prefixes = this.prefixes.filter((p) => p !== prefix);
      this.maps = this.prefixes.map((p) => this.byPrefix.get(p)!);
    }
  }

  get prefixCount(): number {
    return this.prefixes.length;
  }

  /** Appends to `out` the slots of every network containing the address (no closure per call). */
  lookup(words: ArrayLike<number>, out: Array<number | number[]>): void {
    const maps = this.maps;
    const prefixes = this.prefixes;
    let i = 0;
    if (this.blocks && this.blocks[words[0]! >>> 16] === 0) while (i < prefixes.length && prefixes[i]! >= 16) i++;
    for (; i < prefixes.length; i++) {
      const slots = maps[i]!.get(this.maskKey(words, prefixes[i]!));
      if (slots !== undefined) out.push(slots);
    }
  }
}

export function maskIpv4(words: ArrayLike<number>, prefix: number): number {
  return prefix === 0 ? 0 : (words[0]! & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
}

export function maskIpv6(words: ArrayLike<number>, prefix: number): string {
  let out = '';
  for (let w = 0; w < 4; w++) {
    const bits = Math.min(32, Math.max(0, prefix - w * 32));
    const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    out += (w === 0 ? '' : '.') + ((words[w]! & m) >>> 0);
  }
  return out;
}
