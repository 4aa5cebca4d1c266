import type { EventData } from '../../ports/pim-items';
import { TernError } from '../../errors';
import type { GraphHttp } from './http';
import { enc } from './folders';
import { toGraphTime } from './times';

const DAY = 24 * 3600_000;

interface Instance {
  id: string;
  originalStart?: string | null;
}

/**
 * A recurring event's exceptions, written onto the series Graph made from the pattern: each
 * occurrence is found among the series' instances by its original start, then updated (a moved or
 * renamed occurrence) or deleted.
 */
export async function writeOccurrences(http: GraphHttp, masterId: string, e: EventData): Promise<void> {
  const startOf = (v: string) => (v.length <= 10 ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v));
  const find = async (originalStart: string): Promise<Instance> => {
    const at = startOf(originalStart);
    const window = `startDateTime=${new Date(at - DAY).toISOString()}&endDateTime=${new Date(at + 2 * DAY).toISOString()}`;
    const list = await http.all<Instance>(`${http.userPath}/events/${enc(masterId)}/instances?${window}&$select=id,originalStart`);
    const found = list.find((i) => (i.originalStart ? e.isAllDay ? new Date(i.originalStart).toISOString().slice(0, 10) === new Date(at).toISOString().slice(0, 10) : Date.parse(i.originalStart) === at : false));
    if (!found) throw new TernError('PROTOCOL_ERROR', `the series has no occurrence at ${originalStart} to change, so its exceptions cannot be kept`);
    return found;
  };
  for (const m of e.modifiedOccurrences) {
    const instance = await find(m.originalStart);
    const body: Record<string, unknown> = { start: toGraphTime(m.start, e.startTimeZone), end: toGraphTime(m.end, e.endTimeZone ?? e.startTimeZone) };
    if (m.subject !== undefined) body.subject = m.subject;
    if (m.location !== undefined) body.location = { displayName: m.location };
    if (m.body) body.body = { contentType: m.body.type, content: m.body.content };
    await http.call('PATCH', `${http.userPath}/events/${enc(instance.id)}`, { body });
  }
  for (const d of e.deletedOccurrences) {
    const instance = await find(d);
    await http.call('DELETE', `${http.userPath}/events/${enc(instance.id)}`, { accept: [404] });
  }
}
