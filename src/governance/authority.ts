import type { Role } from '../store/index.js';

/** Id of the organisation that governs the alliance (created on first start). */
export const AUTHORITY_ORG_ID = 'authority';

/** Role ranks: a role may do what every lower rank may do. */
const rank: Record<Role, number> = { sensor: 0, viewer: 1, responder: 2, analyst: 3, admin: 4 };

/** True when `role` is at least `needed` (sensors may only submit events, see `canIngest`). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  if (role === 'sensor') return needed === 'sensor';
  return rank[role] >= rank[needed];
}
