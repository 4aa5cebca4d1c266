import { describe, expect, it } from 'vitest';
import { newTaskId, normalizeTaskId } from '../src/ids';
import { dedupeKey, parseHeaderFields } from '../src/ports/dedupe-key';
import { chunkMessages, matchMessages, storableFlags } from '../src/engine/email/match';

describe('task IDs', () => {
  it('are T- and 8 Crockford base32 characters, and differ', () => {
    const ids = new Set(Array.from({ length: 1000 }, newTaskId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^T-[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it('normalise what people type: case, missing prefix, look-alike letters', () => {
    expect(normalizeTaskId('t-7k3m9qxa')).toBe('T-7K3M9QXA');
    expect(normalizeTaskId('7K3M9QXA')).toBe('T-7K3M9QXA');
    expect(normalizeTaskId(' T-7K3M-9QXA ')).toBe('T-7K3M9QXA');
    expect(normalizeTaskId('T-OIL00000')).toBe('T-01100000');
    expect(normalizeTaskId('T-7K3M9QX')).toBeUndefined();
    expect(normalizeTaskId('T-7K3M9QXU')).toBeUndefined();
    expect(normalizeTaskId('hello')).toBeUndefined();
  });

  it('round-trip: a generated ID normalises to itself', () => {
    const id = newTaskId();
    expect(normalizeTaskId(id.toLowerCase())).toBe(id);
  });
});

describe('dedupe keys', () => {
  const msg = (headers: string) => Buffer.from(headers.replace(/\n/g, '\r\n') + '\r\n\r\nbody\r\n');

  it('use the Message-ID, ignoring case and folding', () => {
    expect(dedupeKey(msg('Subject: a\nMessage-ID:\n <ABC@example.com>'))).toBe('mid:<abc@example.com>');
    expect(dedupeKey(msg('message-id: <abc@example.com>'))).toBe(dedupeKey(msg('Message-Id: <ABC@EXAMPLE.COM>')));
  });

  it('fall back to a hash of stable headers without a Message-ID', () => {
    const a = dedupeKey(msg('From: a@x\nTo: b@y\nSubject: hello\nDate: Mon, 1 Jan 2024 10:00:00 +0000'));
    const b = dedupeKey(msg('Subject: hello\nFrom: a@x\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nTo: b@y\nX-Other: 1'));
    const c = dedupeKey(msg('From: a@x\nTo: b@y\nSubject: hello again\nDate: Mon, 1 Jan 2024 10:00:00 +0000'));
    expect(a).toMatch(/^hdr:/);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('only read the header block', () => {
    const fields = parseHeaderFields(msg('Subject: x') + 'Message-ID: <in-body@x>\r\n');
    expect(fields.has('message-id')).toBe(false);
  });
});

describe('matching source and destination messages', () => {
  const m = (ref: string, key: string, size = 10) => ({ ref, size, flags: [], dedupeKey: key });

  it('counts duplicates: two at the source and one at the destination copies one', () => {
    const r = matchMessages([m('1', 'a'), m('2', 'a'), m('3', 'b')], [{ id: '7', dedupeKey: 'a' }], new Set());
    expect(r.alreadyPresent.map((x) => x.ref)).toEqual(['1']);
    expect(r.toCopy.map((x) => x.ref)).toEqual(['2', '3']);
  });

  it("counts the task's own earlier copies as copied, not as already present", () => {
    const r = matchMessages([m('1', 'a'), m('2', 'b')], [{ id: '7', dedupeKey: 'a' }, { id: '9', dedupeKey: 'b' }], new Set(['9']));
    expect(r.alreadyPresent.map((x) => x.ref)).toEqual(['1']);
    expect(r.copiedBefore.map((x) => x.ref)).toEqual(['2']);
    expect(r.toCopy).toEqual([]);
  });

  it('chunks by count and bytes, a large message alone', () => {
    const chunks = chunkMessages([m('1', 'a', 10), m('2', 'b', 10), m('3', 'c', 500), m('4', 'd', 10), m('5', 'e', 10), m('6', 'f', 10)], 2, 100);
    expect(chunks.map((c) => c.map((x) => x.ref))).toEqual([['1', '2'], ['3'], ['4', '5'], ['6']]);
  });

  it('keeps keywords only where the destination stores them', () => {
    expect(storableFlags(['\\Seen', 'Custom', '\\Recent'], new Set(['\\Seen', '\\*']))).toEqual(['\\Seen', 'Custom']);
    expect(storableFlags(['\\Seen', 'Custom', 'Known'], new Set(['\\Seen', 'Known']))).toEqual(['\\Seen', 'Known']);
    expect(storableFlags(['\\Flagged', 'Custom'], undefined)).toEqual(['\\Flagged', 'Custom']);
  });
});
