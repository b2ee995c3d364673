import { describe, expect, it } from 'vitest';
import { WorkerTaskQueue } from './worker-task-queue.js';

/** A queue whose drains run only when the test says, as turns of an event loop. */
function manualQueue() {
  const turns: (() => void)[] = [];
  const queue = new WorkerTaskQueue((drain) => turns.push(drain));
  const turn = () => turns.shift()?.();
  return { queue, turns, turn };
}

describe('WorkerTaskQueue', () => {
  it('runs urgent tasks before background ones, each kind in arrival order', () => {
    const { queue, turn, turns } = manualQueue();
    const ran: string[] = [];
    queue.pushBackground(() => ran.push('detect 1'));
    queue.pushBackground(() => ran.push('detect 2'));
    queue.pushUrgent(() => ran.push('prepare A'));
    queue.pushUrgent(() => ran.push('prepare B'));
    expect(turns).toHaveLength(1);
    turn();
    expect(ran).toEqual(['prepare A', 'prepare B', 'detect 1']);
    turn();
    expect(ran).toEqual(['prepare A', 'prepare B', 'detect 1', 'detect 2']);
    expect(queue.size()).toBe(0);
    expect(turns).toHaveLength(0);
  });

  it('lets a prepare that arrives during the detection backlog run before the next detection', () => {
    const { queue, turn } = manualQueue();
    const ran: string[] = [];
    for (let i = 1; i <= 3; i++) queue.pushBackground(() => ran.push(`detect ${i}`));
    turn();
    queue.pushUrgent(() => ran.push('prepare late'));
    turn();
    turn();
    expect(ran).toEqual(['detect 1', 'prepare late', 'detect 2', 'detect 3']);
  });

  it('schedules one drain at a time and none when idle', () => {
    const { queue, turns, turn } = manualQueue();
    queue.pushUrgent(() => undefined);
    queue.pushUrgent(() => undefined);
    queue.pushBackground(() => undefined);
    expect(turns).toHaveLength(1);
    turn();
    expect(turns).toHaveLength(0);
    expect(queue.size()).toBe(0);
  });
});
