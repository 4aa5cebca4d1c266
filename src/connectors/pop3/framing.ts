/**
 * Undoes POP3 multi-line framing (RFC 1939 §3) on raw bytes, chunk by chunk: a line starting
 * with "." loses that first dot ("byte-stuffing"), and the line "." alone ends the response.
 *
 * node-pop3 does neither (it only strips a terminator that happens to sit at the very end of
 * one socket chunk), so a stuffed dot survived and a terminator split across two chunks hung
 * the read. This decoder keeps the few undecided bytes between chunks, so any split works.
 */
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');

export class MultilineDecoder {
  /** Bytes that cannot be judged yet: "." or ".\r" at a line start, or a trailing "\r". */
  private pending: Buffer | null = null;
  private atLineStart = true;
  /** True once the terminating ".\r\n" line has been seen. */
  done = false;

  /** Feeds one chunk; returns the payload bytes it completes (slices of the chunk, not copies). */
  push(chunk: Buffer): Buffer[] {
    if (this.done) return [];
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    const out: Buffer[] = [];
    // Payload is emitted in contiguous runs; a run only breaks where a stuffed dot is dropped.
    let runStart = 0;
    const emit = (end: number) => {
      if (end > runStart) out.push(buf.subarray(runStart, end));
    };
    let pos = 0;
    for (;;) {
      if (this.atLineStart) {
        if (pos >= buf.length) break;
        if (buf[pos] === DOT) {
          const next = buf[pos + 1];
          if (next === undefined || (next === CR && pos + 2 >= buf.length)) {
            emit(pos);
            this.pending = buf.subarray(pos);
            return out;
          }
          if (next === CR && buf[pos + 2] === LF) {
            emit(pos);
            this.done = true;
            return out;
          }
          emit(pos);
          runStart = pos + 1;
          pos += 1;
        }
        this.atLineStart = false;
      }
      const eol = buf.indexOf(CRLF, pos);
      if (eol === -1) {
        // A final "\r" may be half of a line end: hold it back so the next line start is seen.
        const end = buf[buf.length - 1] === CR ? buf.length - 1 : buf.length;
        emit(end);
        if (end < buf.length) this.pending = buf.subarray(end);
        return out;
      }
      pos = eol + 2;
      this.atLineStart = true;
    }
    emit(buf.length);
    return out;
  }
}
