import type { PollTimer } from './feed-polling-service.js';

/** A PollTimer that only records what was scheduled: tests fire `pending` entries by hand. */
export function manualPollTimer(): { timer: PollTimer; pending: { ms: number; fn: () => void }[] } {
  const pending: { ms: number; fn: () => void }[] = [];
  const timer: PollTimer = {
    set: (ms, fn) => {
      const entry = { ms, fn };
      pending.push(entry);
      return entry;
    },
    clear: (handle) => {
      const at = pending.indexOf(handle as (typeof pending)[number]);
      if (at >= 0) pending.splice(at, 1);
    },
  };
  return { timer, pending };
}
