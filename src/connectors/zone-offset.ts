/** Zone arithmetic shared by the connectors that turn wall-clock times into instants (DAV, Graph). */

/** How far an IANA zone's wall clock is ahead of UTC at an instant, in ms (Node's Intl, full ICU). */
export function offsetMs(ms: number, iana: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: iana, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - Math.floor(ms / 1000) * 1000;
}
