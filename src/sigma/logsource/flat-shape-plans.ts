import { compileFlatShapePlan, isOtherLayout, maxPlanKeys, usable, type FlatShapePlan } from './flat-shape-plan.js';

/** A trie node: the key sequence from the root is a prefix of a known shape. */
interface ShapeNode {
  /** The first child's key and node, compared by identity first (JSON.parse interns keys). */
  key: string | undefined;
  next: ShapeNode | undefined;
  /** Every child, once there are two. */
  children: Map<string, ShapeNode> | undefined;
  /** The plan of the shape ending here; null when it has none; undefined when no shape ends here. */
  plan: FlatShapePlan | null | undefined;
}

function shapeNode(): ShapeNode {
  return { key: undefined, next: undefined, children: undefined, plan: undefined };
}

/**
 * The compiled plans of flat records, by key sequence. Finding a record's plan is one walk of its
 * keys down a trie, which also collects its values into {@link values} for the plan's `build`.
 *
 * Records of ~9,500 key sequences in Security-Datasets, most of them seen once: a shape gets a
 * plan (generated code, and trie nodes) only the second time it is seen, which keeps 857 shapes
 * serving 98.7 % of the records. Records of the other layouts are never remembered: Winlogbeat 6
 * wrote its keys in a random order (8,502 records, 8,502 key sequences). Hostile input (random keys) is bounded by the plan and node caps
 * and by the size of the set of shapes seen once, which is emptied when full; past the caps
 * records simply take the general path.
 */
export class FlatShapePlans {
  /** The values of the record last looked up, in key order; valid until the next lookup. */
  readonly values: unknown[] = [];
  private readonly root = shapeNode();
  private nodes = 0;
  private plans = 0;
  private readonly seenOnce = new Set<string>();

  constructor(
    private readonly maxPlans = 2048,
    private readonly maxNodes = 65_536,
    private readonly maxSeenOnce = 8192,
  ) {}

  /**
   * The plan for `raw`, with its values in {@link values}; undefined when the record takes the
   * general path (shape not planned yet or not plannable, or values that steer it otherwise).
   */
  lookup(raw: Record<string, unknown>): FlatShapePlan | undefined {
    // for…in would also list inherited keys, which a copy does not have.
    if (Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
    const values = this.values;
    let node = this.root;
    let n = 0;
    for (const key in raw) {
      const next = node.key === key ? node.next : node.children?.get(key);
      if (next === undefined) return this.miss(raw);
      node = next;
      const value = raw[key];
      if (value === undefined) return undefined;
      values[n++] = value;
    }
    const plan = node.plan;
    if (plan === undefined) return this.miss(raw);
    if (plan === null) return undefined;
    const guard = plan.guard;
    let mask = 0;
    for (let i = 0; i < guard.length; i++) if (usable(values[guard[i]!])) mask |= 1 << i;
    if (mask !== plan.usableMask) return undefined;
    if (plan.dataIndex >= 0 && typeof values[plan.dataIndex] === 'string') return undefined;
    return plan;
  }

  /** An unknown shape: remembered the first time, planned the second. */
  private miss(raw: Record<string, unknown>): undefined {
    if (this.plans >= this.maxPlans || isOtherLayout(raw)) return undefined;
    const keys = Object.keys(raw);
    if (keys.length > maxPlanKeys || this.nodes + keys.length > this.maxNodes) return undefined;
    const signature = keys.join('\u0000');
    if (!this.seenOnce.has(signature)) {
      if (this.seenOnce.size >= this.maxSeenOnce) this.seenOnce.clear();
      this.seenOnce.add(signature);
      return undefined;
    }
    this.seenOnce.delete(signature);
    let node = this.root;
    for (const key of keys) node = this.child(node, key);
    node.plan = compileFlatShapePlan(raw);
    this.plans++;
    return undefined;
  }

  private child(node: ShapeNode, key: string): ShapeNode {
    if (node.key === key) return node.next!;
    const known = node.children?.get(key);
    if (known) return known;
    const made = shapeNode();
    this.nodes++;
    if (node.key === undefined) {
      node.key = key;
      node.next = made;
    } else {
      node.children ??= new Map([[node.key, node.next!]]);
      node.children.set(key, made);
    }
    return made;
  }
}
