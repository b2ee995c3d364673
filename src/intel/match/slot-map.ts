/**
 * A multi-map from a key to indicator slots that stores a lone slot as a bare number: almost
 * every value is named by one indicator, so no per-key array is allocated for it.
 */
export type SlotMap<K> = Map<K, number | number[]>;

export function slotMapAdd<K>(map: SlotMap<K>, key: K, slot: number): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, slot);
  else if (typeof cur === 'number') {
    if (cur !== slot) map.set(key, [cur, slot]);
  } else if (!cur.includes(slot)) cur.push(slot);
}

/** Removes one slot; returns true when the key is gone altogether. */
export function slotMapRemove<K>(map: SlotMap<K>, key: K, slot: number): boolean {
  const cur = map.get(key);
  if (cur === undefined) return false;
  if (typeof cur === 'number') {
    if (cur !== slot) return false;
    map.delete(key);
    return true;
  }
  const i = cur.indexOf(slot);
  if (i >= 0) cur.splice(i, 1);
  if (cur.length === 1) map.set(key, cur[0]!);
  return false;
}
