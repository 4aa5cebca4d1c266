/**
 * Bounding what users and servers wrote before a platform sees it: chat APIs refuse a whole
 * message when one text is over its limit, so every such text is cut here, saying so.
 */

/** `text` cut to at most `max` characters, ending in "…" when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * As many of `lines` (each clipped to `maxLine`) as fit in `max` characters joined by `sep`,
 * then `more(n)` for the n left out, which always fits too.
 */
export function fitLines(lines: string[], max: number, more: (n: number) => string, sep = '\n', maxLine = max): string {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = clip(lines[i], maxLine);
    const tail = i + 1 < lines.length ? sep.length + more(lines.length - i - 1).length : 0;
    if (used + (out.length ? sep.length : 0) + line.length + tail > max) {
      return [...out, more(lines.length - i)].join(sep);
    }
    out.push(line);
    used += (out.length > 1 ? sep.length : 0) + line.length;
  }
  return out.join(sep);
}
