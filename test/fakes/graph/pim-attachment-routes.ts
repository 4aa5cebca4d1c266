// Contact photos and the attachments of events and To Do tasks, as Graph serves them:
// `contacts/{id}/photo/$value` (GET the bytes, 404 when there is none; PUT an image; a contact
// with a photo has PidLidHasPicture set, as Exchange does: see renderEntity), `events/{id}/attachments` (fileAttachments listed with
// their contentBytes; POST one; createUploadSession with an AttachmentItem, up to 150 MB) and
// `todo/lists/{}/tasks/{}/attachments` (taskFileAttachments listed without their content, which a
// GET of one gives; POST one; createUploadSession with an attachmentInfo, up to 25 MB).
import { GraphFault, notFound, type GraphAnswer, type GraphRequest, type Handler } from './http';
import { entityOf } from './pim-routes';
import { newId, type FakeGraphAttachment, type FakeGraphEntity } from './store';
import type { UploadSessions } from './upload-sessions';

const MAX_PHOTO = 4 * 1024 * 1024;
const MAX_EVENT_ATTACHMENT = 150 * 1024 * 1024;
const MAX_TASK_ATTACHMENT = 25 * 1024 * 1024;

type Owner = 'event' | 'task';

function render(a: FakeGraphAttachment, owner: Owner, withContent: boolean): Record<string, unknown> {
  const common = { id: a.id, name: a.name, contentType: a.contentType, size: a.bytes.length, lastModifiedDateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
  if (owner === 'task') return { '@odata.type': '#microsoft.graph.taskFileAttachment', ...common, ...(withContent ? { contentBytes: a.bytes.toString('base64') } : {}) };
  return { '@odata.type': '#microsoft.graph.fileAttachment', ...common, isInline: a.isInline, ...(a.contentId ? { contentId: a.contentId } : {}), contentBytes: a.bytes.toString('base64') };
}

const TYPE: Record<Owner, string> = { event: 'microsoft.graph.attachment', task: 'microsoft.graph.attachmentBase' };

function attach(req: GraphRequest, e: FakeGraphEntity, a: FakeGraphAttachment): void {
  (e.attachments ??= []).push(a);
  req.mailbox.touch(e);
}

function locationOf(req: GraphRequest, a: FakeGraphAttachment): string {
  return `${req.baseUrl}/v1.0/${req.rawPath.replace(/\/attachments(\/createUploadSession)?$/, '')}/attachments/${encodeURIComponent(a.id)}`;
}

export function pimAttachmentRoutes(sessions: UploadSessions): Array<[string, string, Handler]> {
  const k = (req: GraphRequest, i: number) => req.path.keys[i];
  const event = (req: GraphRequest) => entityOf(req, 'events', k(req, 1));
  const task = (req: GraphRequest) => entityOf(req, 'todoTasks', k(req, 2), k(req, 1));
  const contact = (req: GraphRequest) => entityOf(req, 'contacts', k(req, req.path.keys.length - 1));
  const one = (e: FakeGraphEntity, id: string) => e.attachments?.find((a) => a.id === id) ?? (() => { throw notFound(); })();

  const list = (owner: Owner, e: FakeGraphEntity): GraphAnswer => ({ status: 200, json: { value: (e.attachments ?? []).map((a) => render(a, owner, false)) }, type: TYPE[owner], collection: true });
  const get = (owner: Owner, e: FakeGraphEntity, id: string): GraphAnswer => ({ status: 200, json: render(one(e, id), owner, true), type: TYPE[owner] });
  const post = (owner: Owner) => (req: GraphRequest, e: FakeGraphEntity): GraphAnswer => {
    const j = req.json ?? {};
    const wanted = owner === 'event' ? '#microsoft.graph.fileAttachment' : '#microsoft.graph.taskFileAttachment';
    if (j['@odata.type'] !== wanted) throw new GraphFault(400, 'ErrorInvalidRequest', `The fake takes ${wanted} here, not ${String(j['@odata.type'])}.`);
    if (typeof j.name !== 'string' || typeof j.contentBytes !== 'string') throw new GraphFault(400, 'ErrorInvalidRequest', 'An attachment needs its name and contentBytes.');
    const bytes = Buffer.from(j.contentBytes, 'base64');
    // Graph: a file of 3 MB or more goes by upload session.
    if (bytes.length >= 3 * 1024 * 1024) throw new GraphFault(413, 'ErrorRequestEntityTooLarge', 'The attachment is too large for a POST: use an upload session.');
    const a: FakeGraphAttachment = { id: newId('AAMkAGAtt'), name: j.name, contentType: typeof j.contentType === 'string' ? j.contentType : 'application/octet-stream', isInline: j.isInline === true, ...(typeof j.contentId === 'string' ? { contentId: j.contentId } : {}), bytes };
    attach(req, e, a);
    return { status: 201, json: render(a, owner, true), type: TYPE[owner] };
  };
  const upload = (owner: Owner) => (req: GraphRequest, e: FakeGraphEntity): GraphAnswer => {
    const j = (owner === 'event' ? req.json?.AttachmentItem : req.json?.attachmentInfo) as { attachmentType?: string; name: string; size: number; contentType?: string; isInline?: boolean; contentId?: string } | undefined;
    if (!j) throw new GraphFault(400, 'ErrorInvalidRequest', `createUploadSession needs ${owner === 'event' ? 'AttachmentItem' : 'attachmentInfo'}.`);
    if (j.attachmentType !== 'file') throw new GraphFault(400, 'ErrorInvalidRequest', `attachmentType must be 'file' for an upload session, not '${j.attachmentType}'.`);
    return sessions.open(j, owner === 'event' ? MAX_EVENT_ATTACHMENT : MAX_TASK_ATTACHMENT, (a) => {
      attach(req, e, a);
      return locationOf(req, a);
    });
  };

  const photoGet = (req: GraphRequest): GraphAnswer => {
    const photo = contact(req).photo;
    if (!photo) throw new GraphFault(404, 'ErrorItemNotFound', 'The photo wasn\'t found.');
    return { status: 200, raw: photo.bytes, headers: { 'content-type': photo.contentType } };
  };
  const photoPut = (req: GraphRequest): GraphAnswer => {
    const c = contact(req);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!type.startsWith('image/')) throw new GraphFault(400, 'ErrorInvalidRequest', `A photo is an image: Content-Type ${type || '(none)'} is refused.`);
    if (!req.body.length || req.body.length > MAX_PHOTO) throw new GraphFault(400, 'ErrorInvalidRequest', 'A photo is 1 byte to 4 MB.');
    c.photo = { bytes: req.body, contentType: type };
    req.mailbox.touch(c);
    return { status: 200 };
  };

  return [
    ['GET', 'users/{}/contacts/{}/photo/$value', photoGet],
    ['PUT', 'users/{}/contacts/{}/photo/$value', photoPut],
    ['GET', 'users/{}/contactFolders/{}/contacts/{}/photo/$value', photoGet],
    ['PUT', 'users/{}/contactFolders/{}/contacts/{}/photo/$value', photoPut],

    ['GET', 'users/{}/events/{}/attachments', (req) => list('event', event(req))],
    ['POST', 'users/{}/events/{}/attachments', (req) => post('event')(req, event(req))],
    ['GET', 'users/{}/events/{}/attachments/{}', (req) => get('event', event(req), k(req, 2))],
    ['POST', 'users/{}/events/{}/attachments/createUploadSession', (req) => upload('event')(req, event(req))],

    ['GET', 'users/{}/todo/lists/{}/tasks/{}/attachments', (req) => list('task', task(req))],
    ['POST', 'users/{}/todo/lists/{}/tasks/{}/attachments', (req) => post('task')(req, task(req))],
    ['GET', 'users/{}/todo/lists/{}/tasks/{}/attachments/{}', (req) => get('task', task(req), k(req, 3))],
    ['POST', 'users/{}/todo/lists/{}/tasks/{}/attachments/createUploadSession', (req) => upload('task')(req, task(req))],
  ];
}
