import type { RuleData } from '../../ports/pim-items';

/**
 * Inbox rules between the neutral shape (EWS's rule elements, camel-cased, folders as paths) and
 * Graph's messageRule. A rule with a condition or action Graph has no form for is not written at
 * all (dropping a condition would widen what the rule does), and is reported by name with why.
 */
const PREDICATES: Record<string, string> = {
  categories: 'categories',
  containsBodyStrings: 'bodyContains',
  containsHeaderStrings: 'headerContains',
  containsRecipientStrings: 'recipientContains',
  containsSenderStrings: 'senderContains',
  containsSubjectOrBodyStrings: 'bodyOrSubjectContains',
  containsSubjectStrings: 'subjectContains',
  flaggedForAction: 'messageActionFlag',
  fromAddresses: 'fromAddresses',
  hasAttachments: 'hasAttachments',
  importance: 'importance',
  isApprovalRequest: 'isApprovalRequest',
  isAutomaticForward: 'isAutomaticForward',
  isAutomaticReply: 'isAutomaticReply',
  isEncrypted: 'isEncrypted',
  isMeetingRequest: 'isMeetingRequest',
  isMeetingResponse: 'isMeetingResponse',
  isNDR: 'isNonDeliveryReport',
  isPermissionControlled: 'isPermissionControlled',
  isReadReceipt: 'isReadReceipt',
  isSigned: 'isSigned',
  isVoicemail: 'isVoicemail',
  notSentToMe: 'notSentToMe',
  sentCcMe: 'sentCcMe',
  sentOnlyToMe: 'sentOnlyToMe',
  sentToAddresses: 'sentToAddresses',
  sentToMe: 'sentToMe',
  sentToOrCcMe: 'sentToOrCcMe',
  sensitivity: 'sensitivity',
  withinSizeRange: 'withinSizeRange',
};
const ACTIONS: Record<string, string> = {
  assignCategories: 'assignCategories',
  copyToFolder: 'copyToFolder',
  delete: 'delete',
  forwardAsAttachmentToRecipients: 'forwardAsAttachmentTo',
  forwardToRecipients: 'forwardTo',
  markImportance: 'markImportance',
  markAsRead: 'markAsRead',
  moveToFolder: 'moveToFolder',
  permanentDelete: 'permanentDelete',
  redirectToRecipients: 'redirectTo',
  stopProcessingRules: 'stopProcessingRules',
};
const ADDRESSES = new Set(['fromAddresses', 'sentToAddresses', 'forwardAsAttachmentToRecipients', 'forwardToRecipients', 'redirectToRecipients']);
/** Enum values: EWS capitalises them (High, DoNotForward), Graph camel-cases them (high, doNotForward). */
const ENUMS = new Set(['importance', 'sensitivity', 'flaggedForAction', 'markImportance']);

export interface GraphRule {
  id?: string;
  displayName?: string;
  sequence?: number;
  isEnabled?: boolean;
  conditions?: Record<string, unknown> | null;
  exceptions?: Record<string, unknown> | null;
  actions?: Record<string, unknown> | null;
}

type Address = { name?: string; emailAddress?: string };
type Recipient = { emailAddress: { name?: string; address?: string } };

const lower = (s: unknown) => (typeof s === 'string' ? s.charAt(0).toLowerCase() + s.slice(1) : s);
const upper = (s: unknown) => (typeof s === 'string' ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const toRecipients = (list: Address[]): Recipient[] => list.map((a) => ({ emailAddress: { ...(a.name ? { name: a.name } : {}), ...(a.emailAddress ? { address: a.emailAddress } : {}) } }));
const fromRecipients = (list: Recipient[]): Address[] => list.map((r) => ({ ...(r.emailAddress?.name ? { name: r.emailAddress.name } : {}), ...(r.emailAddress?.address ? { emailAddress: r.emailAddress.address, routingType: 'SMTP' } : {}) }));

function convert(part: Record<string, unknown>, names: Record<string, string>, folderId: (path: string) => string | undefined, missing: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(part)) {
    const name = names[key];
    if (!name) {
      missing.push(key);
      continue;
    }
    if (ADDRESSES.has(key)) out[name] = toRecipients(value as Address[]);
    else if (ENUMS.has(key)) out[name] = lower(value);
    else if (key === 'withinSizeRange') {
      const r = value as { minimumSize?: unknown; maximumSize?: unknown };
      out[name] = { ...(r.minimumSize !== undefined ? { minimumSize: Number(r.minimumSize) } : {}), ...(r.maximumSize !== undefined ? { maximumSize: Number(r.maximumSize) } : {}) };
    } else if (key === 'moveToFolder' || key === 'copyToFolder') {
      const id = folderId(value as string);
      if (!id) missing.push(`${key} (the folder "${String(value)}" is not in the mailbox)`);
      else out[name] = id;
    } else out[name] = value;
  }
  return out;
}

/** Graph's form of the rule, or why it cannot be written. */
export function toGraphRule(rule: RuleData, sequence: number, folderId: (path: string) => string | undefined): { rule: GraphRule } | { refused: string } {
  const missing: string[] = [];
  const conditions = convert(rule.conditions, PREDICATES, folderId, missing);
  const exceptions = convert(rule.exceptions, PREDICATES, folderId, missing);
  const actions = convert(rule.actions, ACTIONS, folderId, missing);
  if (missing.length) return { refused: `Microsoft Graph has no form for ${missing.join(', ')}` };
  return { rule: { displayName: rule.displayName, sequence, isEnabled: rule.isEnabled, conditions, exceptions, actions } };
}

function back(part: Record<string, unknown> | null | undefined, names: Record<string, string>, folderPath: (id: string) => string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byGraph = new Map(Object.entries(names).map(([ews, graph]) => [graph, ews]));
  for (const [name, value] of Object.entries(part ?? {})) {
    const key = byGraph.get(name);
    if (!key || value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (ADDRESSES.has(key)) out[key] = fromRecipients(value as Recipient[]);
    else if (ENUMS.has(key)) out[key] = upper(value);
    else if (key === 'moveToFolder' || key === 'copyToFolder') out[key] = folderPath(value as string) ?? value;
    else out[key] = value;
  }
  return out;
}

export function fromGraphRule(g: GraphRule, folderPath: (id: string) => string | undefined): RuleData {
  return {
    displayName: g.displayName ?? '',
    priority: g.sequence ?? 0,
    isEnabled: g.isEnabled !== false,
    conditions: back(g.conditions, PREDICATES, folderPath),
    exceptions: back(g.exceptions, PREDICATES, folderPath),
    actions: back(g.actions, ACTIONS, folderPath),
  };
}
