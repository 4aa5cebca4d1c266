import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressThrottle, type ProgressSnapshot } from '../src/engine/progress';

const snap = (copied: number): ProgressSnapshot => ({ taskId: 'T-1', step: 'emails', counters: { total: 100, copied, alreadyPresent: 0, failed: 0, bytes: copied * 10 }, at: 0 });

describe('progress throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('publishes at most every 500 ms, always the latest counters, and everything on flush', async () => {
    const seen: number[] = [];
    const throttle = new ProgressThrottle((s) => void seen.push(s.counters.copied), 500);
    throttle.update(snap(1)); // first one goes out at once
    for (let i = 2; i <= 50; i++) throttle.update(snap(i));
    expect(seen).toEqual([1]);
    await vi.advanceTimersByTimeAsync(499);
    expect(seen).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([1, 50]);
    throttle.update(snap(51));
    throttle.update(snap(52));
    await throttle.flush();
    expect(seen).toEqual([1, 50, 52]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen).toEqual([1, 50, 52]);
  });

  it('takes a snapshot given as a function only when it publishes it, with the counters as they are then', async () => {
    const seen: number[] = [];
    const throttle = new ProgressThrottle((s) => void seen.push(s.counters.copied), 500);
    let copied = 0;
    let taken = 0;
    const take = () => (taken++, snap(copied));
    for (copied = 1; copied <= 1000; copied++) throttle.update(take);
    copied = 1000;
    expect(seen).toEqual([1]);
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toEqual([1, 1000]);
    // Two publications, two snapshots: not one per update.
    expect(taken).toBe(2);
  });

  it('never lets a failing sink fail the migration', async () => {
    const throttle = new ProgressThrottle(() => {
      throw new Error('redis down');
    });
    throttle.update(snap(1));
    await expect(throttle.flush()).resolves.toBeUndefined();
  });
});
