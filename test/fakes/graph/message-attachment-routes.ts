// A message's large attachments as Outlook takes them: `POST …/messages/{id}/attachments/createUploadSession`
// with an AttachmentItem opens an upload session (upload-sessions.ts); only a draft takes attachments
// (Tern clears the draft state afterwards). The attachments list as fileAttachments.
import { GraphFault, notFound, type GraphRequest, type Handler } from './http';
import { MSGFLAG_UNSENT, type FakeGraphAttachment } from './store';
import type { UploadSessions, UploadItem } from './upload-sessions';

/** Exchange Online's limit for a file attached by upload session. */
const MAX_ATTACHMENT = 150 * 1024 * 1024;

export function messageAttachmentRoutes(sessions: UploadSessions, baseUrl: () => string): Array<[string, string, Handler]> {
  const messageOf = (req: GraphRequest) => {
    const m = req.mailbox.messages.get(req.path.keys[1]);
    if (!m) throw notFound();
    return m;
  };
  return [
    ['POST', 'users/{}/messages/{}/attachments/createUploadSession', (req) => {
      const message = messageOf(req);
      const item = req.json?.AttachmentItem as (UploadItem & { attachmentType?: string }) | undefined;
      if (!item) throw new GraphFault(400, 'ErrorInvalidRequest', 'createUploadSession needs AttachmentItem.');
      if (item.attachmentType !== 'file') throw new GraphFault(400, 'ErrorInvalidRequest', `attachmentType must be 'file' for an upload session, not '${item.attachmentType}'.`);
      if ((req.mailbox.flagsOf(message) & MSGFLAG_UNSENT) === 0) throw new GraphFault(400, 'ErrorInvalidOperation', 'Attachments can be added to draft items only.');
      const mailbox = req.mailbox;
      return sessions.open(item, MAX_ATTACHMENT, (attachment) => {
        message.attachments.push(attachment);
        mailbox.touch(message);
        return `${baseUrl()}/v1.0/users/${encodeURIComponent(mailbox.user)}/messages/${encodeURIComponent(message.id)}/attachments/${encodeURIComponent(attachment.id)}`;
      });
    }],
    ['GET', 'users/{}/messages/{}/attachments', (req) => ({
      status: 200,
      json: { value: messageOf(req).attachments.map(renderAttachment) },
      type: 'microsoft.graph.attachment',
      collection: true,
    })],
  ];
}

function renderAttachment(a: FakeGraphAttachment): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    id: a.id,
    name: a.name,
    contentType: a.contentType,
    size: a.bytes.length,
    isInline: a.isInline,
    ...(a.contentId ? { contentId: a.contentId } : {}),
    contentBytes: a.bytes.toString('base64'),
  };
}
