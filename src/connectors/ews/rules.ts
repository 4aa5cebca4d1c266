import { TernError } from '../../errors';
import type { RuleData } from '../../ports/pim-items';
import type { EwsContext } from './session';
import type { EwsFolder } from './types';
import { knownFolders, listFolders } from './folders';
import { enginePath } from './folder-index';
import { child, childText, escapeXml, soapCall, type XmlNode } from './soap';

/**
 * Server-side inbox rules (GetInboxRules / UpdateInboxRules), sent as Tern's own SOAP: the
 * neutral shape keeps the EWS elements (camel-cased) as JSON, which the library's rule objects
 * would not give back. Folder references (MoveToFolder, CopyToFolder) become folder paths of
 * this mailbox on the way out and folder ids again on the way in.
 */

/** Element order of RulePredicatesType and RuleActionsType (the schema's sequences). */
const PREDICATE_ORDER = [
  'categories', 'containsBodyStrings', 'containsHeaderStrings', 'containsRecipientStrings', 'containsSenderStrings',
  'containsSubjectOrBodyStrings', 'containsSubjectStrings', 'flaggedForAction', 'fromAddresses', 'fromConnectedAccounts',
  'hasAttachments', 'importance', 'isApprovalRequest', 'isAutomaticForward', 'isAutomaticReply', 'isEncrypted',
  'isMeetingRequest', 'isMeetingResponse', 'isNDR', 'isPermissionControlled', 'isReadReceipt', 'isSigned', 'isVoicemail',
  'itemClasses', 'messageClassifications', 'notSentToMe', 'sentCcMe', 'sentOnlyToMe', 'sentToAddresses', 'sentToMe',
  'sentToOrCcMe', 'sensitivity', 'withinDateRange', 'withinSizeRange',
];
const ACTION_ORDER = [
  'assignCategories', 'copyToFolder', 'delete', 'forwardAsAttachmentToRecipients', 'forwardToRecipients', 'markImportance',
  'markAsRead', 'moveToFolder', 'permanentDelete', 'redirectToRecipients', 'sendSMSAlertToRecipients', 'serverReplyWithMessage',
  'stopProcessingRules',
];
const ADDRESS_ORDER = ['name', 'emailAddress', 'routingType', 'mailboxType', 'itemId', 'originalDisplayName'];
/** Elements of type ArrayOfEmailAddressesType: lists of <t:Address>. Other lists hold <t:String>. */
const ADDRESS_LISTS = new Set(['fromAddresses', 'sentToAddresses', 'forwardAsAttachmentToRecipients', 'forwardToRecipients', 'redirectToRecipients', 'sendSMSAlertToRecipients']);
const FOLDER_ACTIONS = new Set(['moveToFolder', 'copyToFolder']);
/** Attributes, as opposed to child elements, in the few rule types that have any (FolderId, ItemId). */
const ATTRIBUTES = new Set(['id', 'changeKey']);

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** An EWS element as JSON: text (booleans as booleans), lists, or an object of camel-cased children. */
function toJson(node: XmlNode): unknown {
  if (node.children.length === 0 && Object.keys(node.attrs).length === 0) {
    const text = node.text ?? '';
    return text === 'true' ? true : text === 'false' ? false : text;
  }
  if (node.children.length > 0 && node.children.every((c) => c.name === 'String')) return node.children.map((c) => c.text ?? '');
  if (node.children.length > 0 && node.children.every((c) => c.name === 'Address')) return node.children.map(toJson);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.attrs)) out[camel(k)] = v;
  for (const c of node.children) out[camel(c.name)] = toJson(c);
  return out;
}

function toXml(name: string, value: unknown, order?: string[]): string {
  const tag = `t:${pascal(name)}`;
  if (Array.isArray(value)) {
    const items = ADDRESS_LISTS.has(name) ? value.map((a) => toXml('address', a, ADDRESS_ORDER)) : value.map((s) => `<t:String>${escapeXml(String(s))}</t:String>`);
    return `<${tag}>${items.join('')}</${tag}>`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const attrs = entries.filter(([k]) => ATTRIBUTES.has(k)).map(([k, v]) => ` ${pascal(k)}="${escapeXml(String(v))}"`).join('');
    const elements = sortBy(entries.filter(([k]) => !ATTRIBUTES.has(k)), order).map(([k, v]) => toXml(k, v));
    return elements.length ? `<${tag}${attrs}>${elements.join('')}</${tag}>` : `<${tag}${attrs}/>`;
  }
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

function sortBy(entries: Array<[string, unknown]>, order: string[] | undefined): Array<[string, unknown]> {
  if (!order) return entries;
  const rank = (k: string) => (order.indexOf(k) < 0 ? order.length : order.indexOf(k));
  return [...entries].sort((a, b) => rank(a[0]) - rank(b[0]));
}

function predicatesXml(name: string, value: Record<string, unknown>): string {
  return toXml(name, value, PREDICATE_ORDER);
}

interface ServerRule {
  ruleId: string;
  data: RuleData;
}

async function fetchRules(ctx: EwsContext): Promise<{ rules: ServerRule[]; hasClientRules: boolean }> {
  const body = `<m:GetInboxRules><m:MailboxSmtpAddress>${escapeXml(ctx.mailbox)}</m:MailboxSmtpAddress></m:GetInboxRules>`;
  const response = await soapCall(ctx, 'reading the inbox rules', body, 'GetInboxRulesResponse');
  const folders = await knownFolders(ctx);
  const pathOf = mailPaths(folders);
  const rules: ServerRule[] = [];
  for (const rule of child(response, 'InboxRules')?.children.filter((c) => c.name === 'Rule') ?? []) {
    const actions = (child(rule, 'Actions') ? toJson(child(rule, 'Actions')!) : {}) as Record<string, unknown>;
    for (const name of FOLDER_ACTIONS) {
      if (actions[name] !== undefined) actions[name] = folderPathOf(actions[name], folders, pathOf);
    }
    rules.push({
      ruleId: childText(rule, 'RuleId') ?? '',
      data: {
        displayName: childText(rule, 'DisplayName') ?? '',
        priority: Number(childText(rule, 'Priority') ?? 0),
        isEnabled: childText(rule, 'IsEnabled') === 'true',
        conditions: objectOf(child(rule, 'Conditions')),
        exceptions: objectOf(child(rule, 'Exceptions')),
        actions,
      },
    });
  }
  return { rules, hasClientRules: childText(response, 'OutlookRuleBlobExists') === 'true' };
}

function objectOf(node: XmlNode | undefined): Record<string, unknown> {
  const json = node ? toJson(node) : {};
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

/** Folder paths as the mail ports name them ("INBOX/…" below the Inbox), so rules map like the e-mails' folders. */
function mailPaths(folders: EwsFolder[]): (f: EwsFolder) => string {
  const inbox = folders.find((f) => f.wellKnown === 'inbox');
  return (f) => enginePath(f, inbox);
}

/** A target folder reference as a path of this mailbox; one Tern cannot place stays as it is. */
function folderPathOf(target: unknown, folders: EwsFolder[], pathOf: (f: EwsFolder) => string): unknown {
  const t = target as { folderId?: { id?: string }; distinguishedFolderId?: { id?: string } };
  const id = t?.folderId?.id;
  const byId = id ? folders.find((f) => f.id === id) : undefined;
  if (byId) return pathOf(byId);
  const wellKnown = t?.distinguishedFolderId?.id;
  const byName = wellKnown ? folders.find((f) => f.wellKnown === wellKnown) : undefined;
  return byName ? pathOf(byName) : target;
}

/** The folder a rule names by path (a mail path, or the display path older snapshots kept). */
function folderAt(target: string, folders: EwsFolder[]): EwsFolder | undefined {
  const pathOf = mailPaths(folders);
  const lower = target.toLowerCase();
  return folders.find((f) => pathOf(f) === target) ?? folders.find((f) => pathOf(f).toLowerCase() === lower) ?? folders.find((f) => f.path.toLowerCase() === lower);
}

export async function readRules(ctx: EwsContext): Promise<{ rules: RuleData[]; hasClientRules: boolean }> {
  const { rules, hasClientRules } = await fetchRules(ctx);
  return { rules: rules.map((r) => r.data).sort((a, b) => a.priority - b.priority), hasClientRules };
}

function ruleXml(rule: RuleData, folders: EwsFolder[], ctx: EwsContext, ruleId?: string): string {
  const actions: Record<string, unknown> = { ...rule.actions };
  for (const name of FOLDER_ACTIONS) {
    const target = actions[name];
    if (typeof target !== 'string') continue;
    const folder = folderAt(target, folders);
    if (!folder) {
      throw new TernError(
        'INVALID_STATE',
        `The inbox rule "${rule.displayName}" moves or copies mail to the folder "${target}", which the mailbox ${ctx.mailbox} on ${ctx.account.host} does not have. Create the folder (or copy the e-mails first), then try again.`,
      );
    }
    actions[name] = { folderId: { id: folder.id } };
  }
  return (
    `<t:Rule>${ruleId ? `<t:RuleId>${escapeXml(ruleId)}</t:RuleId>` : ''}` +
    `<t:DisplayName>${escapeXml(rule.displayName)}</t:DisplayName>` +
    `<t:Priority>${Math.max(1, Math.round(rule.priority))}</t:Priority>` +
    `<t:IsEnabled>${rule.isEnabled}</t:IsEnabled>` +
    predicatesXml('conditions', rule.conditions) +
    predicatesXml('exceptions', rule.exceptions) +
    toXml('actions', actions, ACTION_ORDER) +
    `</t:Rule>`
  );
}

const sameRule = (a: RuleData, b: RuleData) => JSON.stringify([a.displayName, a.priority, a.isEnabled, a.conditions, a.exceptions, a.actions]) === JSON.stringify([b.displayName, b.priority, b.isEnabled, b.conditions, b.exceptions, b.actions]);

/**
 * Makes the mailbox's rules exactly `rules`, in one UpdateInboxRules. Rules already there as
 * given are left alone (rewriting a rule Outlook made can lose what EWS cannot express); every
 * other existing rule is deleted and every other given rule created. Folder paths are checked
 * before anything is sent, so a missing folder changes nothing.
 */
export async function writeRules(ctx: EwsContext, rules: RuleData[]): Promise<void> {
  const current = (await fetchRules(ctx)).rules;
  let folders = await knownFolders(ctx);
  const needsFolder = rules.some((r) => [...FOLDER_ACTIONS].some((a) => typeof r.actions[a] === 'string' && !folderAt(r.actions[a] as string, folders)));
  if (needsFolder) folders = await listFolders(ctx); // folders created since the listing was cached
  const kept = new Set<ServerRule>();
  const create: RuleData[] = [];
  for (const rule of rules) {
    const same = current.find((c) => !kept.has(c) && sameRule(c.data, rule));
    if (same) kept.add(same);
    else create.push(rule);
  }
  const operations = [
    ...current.filter((c) => !kept.has(c)).map((c) => `<t:DeleteRuleOperation><t:RuleId>${escapeXml(c.ruleId)}</t:RuleId></t:DeleteRuleOperation>`),
    ...create.map((r) => `<t:CreateRuleOperation>${ruleXml(r, folders, ctx)}</t:CreateRuleOperation>`),
  ];
  if (operations.length === 0) return;
  const body =
    `<m:UpdateInboxRules><m:MailboxSmtpAddress>${escapeXml(ctx.mailbox)}</m:MailboxSmtpAddress>` +
    // Exchange refuses rule updates while an Outlook rule blob exists unless it may drop it;
    // Outlook rebuilds it from the server rules the next time it starts.
    `<m:RemoveOutlookRuleBlob>true</m:RemoveOutlookRuleBlob>` +
    `<m:Operations>${operations.join('')}</m:Operations></m:UpdateInboxRules>`;
  await soapCall(ctx, 'writing the inbox rules', body, 'UpdateInboxRulesResponse');
}
