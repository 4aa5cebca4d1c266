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

  it('never lets a failing sink fail the migration', async () => {
    const throttle = new ProgressThrottle(() => {
      throw new Error('redis down');
    });
    throttle.update(snap(1));
    await expect(throttle.flush()).resolves.toBeUndefined();
  });
});
