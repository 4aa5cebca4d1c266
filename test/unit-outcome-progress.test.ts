// Issue 17: failure categories from codes and server words, bounded words without secrets, and
// the progress figures (bytes-based ETA, msg/s and MB/s) that the card and the CLI share.
import { describe, expect, it } from 'vitest';
import { boundedWords, categorize } from '../src/failure-category';
import { TernError } from '../src/errors';
import { factsOf } from '../src/failure-category';
import { progressFigures } from '../commands/progress-figures';
import { statusCard } from '../commands/views';
import { progressLine } from '../adapters/cli/render';
import type { StepView, TaskView } from '../src/task';

describe('failure categories', () => {
  it('come from codes first, then the server\'s words', () => {
    expect(categorize({ serverCode: 'TOOBIG', text: 'no' })).toBe('too_large');
    expect(categorize({ text: 'Mail size is larger than the maximum size allowed by server configuration' })).toBe('too_large');
    expect(categorize({ httpStatus: 413, text: 'Request Entity Too Large' })).toBe('too_large');
    expect(categorize({ serverCode: 'ErrorServerBusy', text: 'The server cannot service this request right now' })).toBe('throttled');
    expect(categorize({ httpStatus: 429, text: 'slow down' })).toBe('throttled');
    expect(categorize(factsOf(new TernError('SIGN_IN_NEEDED', 'Source account: alice must sign in again')))).toBe('sign_in');
    expect(categorize(factsOf(new TernError('UNREACHABLE', 'Destination: imap.example.com does not answer')))).toBe('network');
    expect(categorize({ text: 'could not be read from the source (gone since it was listed, or damaged)', atSource: true })).toBe('malformed');
    expect(categorize({ serverCode: 'CANNOT', text: 'Invalid flags' })).toBe('refused');
  });

  it('keep the server\'s words bounded, on one line, without the task\'s secrets', () => {
    const words = boundedWords(`login s3cret-pass refused\r\n${'x'.repeat(1000)}`, ['s3cret-pass', undefined, '']);
    expect(words.startsWith('login *** refused x')).toBe(true);
    expect(words).not.toContain('s3cret');
    expect(words).not.toMatch(/[\r\n]/);
    expect(words.length).toBe(300);
  });
});

const T0 = Date.parse('2026-01-01T10:00:00Z');
const step = (s: Partial<StepView>): StepView => ({ kind: 'emails', status: 'running', total: 0, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0, ...s });
const task = (steps: StepView[], t: Partial<TaskView> = {}): TaskView =>
  ({ id: 'T-ABCDEFGH', status: 'running', steps, folders: [], startedAt: new Date(T0).toISOString(), createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString(), pass: 1, canRetry: false, canRollback: false, cancelling: false, requester: 'cli:me', items: ['emails'], sourceEndpoint: { protocol: 'imap', host: 'a', port: 1, secure: true, insecure: false, user: 'a' }, destinationEndpoint: { protocol: 'imap', host: 'b', port: 1, secure: true, insecure: false, user: 'b' }, source: 'a', destination: 'b', ...t }) as TaskView;

describe('progress figures', () => {
  it('count the ETA on bytes: few large messages left take long though few items are', () => {
    // 100 s in: 90 of 100 items, 10 MB of 110 MB moved (the large ones are left).
    const t = task([step({ total: 100, copied: 90, bytes: 10e6, totalBytes: 110e6 })]);
    const f = progressFigures(t, T0 + 100_000);
    expect(f.messagesPerSecond).toBeCloseTo(0.9);
    expect(f.bytesPerSecond).toBeCloseTo(100_000);
    expect(f.etaSeconds).toBeCloseTo(1000); // 100 MB at 100 kB/s, not 11 s by items
    const card = statusCard(t, T0 + 100_000);
    expect(card.progress.throughput).toBe('0.9 msg/s · 97.7 KB/s');
    expect(card.progress.eta).toBe('16m 40s');
  });

  it('fall back to items before bytes are known, and never say NaN or Infinity', () => {
    const fresh = task([step({ total: 100 })]);
    expect(progressFigures(fresh, T0 + 500).etaSeconds).toBeUndefined();
    expect(progressLine(fresh)).not.toMatch(/NaN|Infinity|NF/);
    const byItems = progressFigures(task([step({ total: 100, copied: 50, bytes: 0 })]), T0 + 50_000);
    expect(byItems.etaSeconds).toBeCloseTo(50);
    const stalled = progressFigures(task([step({ total: 100, copied: 0 })]), T0 + 50_000);
    expect(stalled.etaSeconds).toBeUndefined();
    expect(statusCard(task([step({ total: 100 })]), T0 + 50_000).progress.eta).toBeUndefined();
  });

  it('count a retry\'s speed from where its pass began', () => {
    const t = task([step({ total: 10, copied: 10, bytes: 5e6, totalBytes: 6e6 })], { passStart: { done: 8, bytes: 4e6 } });
    const f = progressFigures(t, T0 + 10_000);
    expect(f.bytesPerSecond).toBeCloseTo(100_000);
    expect(f.messagesPerSecond).toBeCloseTo(0.2);
    expect(f.etaSeconds).toBeCloseTo(10);
  });
});
