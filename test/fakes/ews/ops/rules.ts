// GetInboxRules / UpdateInboxRules. Rules are kept as the t:Rule elements clients send (RuleId
// added when served). Like Exchange, an update is validated as a whole before anything changes:
// a MoveToFolder/CopyToFolder naming a folder that does not exist, a Set/Delete of an unknown rule
// or a Create carrying a RuleId fails the request with ErrorInboxRulesValidationError and the
// index of each failing operation; an Outlook rule blob must be removed explicitly.
import type { StoredRule } from '../model';
import { EwsError, MESSAGE_TEXT, responseRoot } from '../soap';
import type { FakeRule, MailboxStore } from '../store';
import { NS, child, childText, elements, esc, fragment, serialize } from '../xml';
import type { OpContext } from './context';

const m = (parent: Element | undefined, name: string) => child(parent, name, NS.m);
let ruleCounter = 0;

function newRuleId(): string {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(++ruleCounter, 4);
  b[0] = 1;
  return b.toString('base64');
}

function servedRule(r: StoredRule): string {
  const xml = serialize(r.rule);
  return xml.replace(/^<t:Rule>/, `<t:Rule><t:RuleId>${esc(r.id)}</t:RuleId>`);
}

export function ruleSummary(_mb: MailboxStore, r: StoredRule): FakeRule {
  return {
    id: r.id,
    displayName: childText(r.rule, 'DisplayName') ?? '',
    priority: Number(childText(r.rule, 'Priority') ?? 0),
    isEnabled: childText(r.rule, 'IsEnabled') === 'true',
    xml: servedRule(r),
  };
}

interface RuleError {
  field: string;
  code: string;
  message: string;
  value: string;
}

/** A stored copy of a t:Rule: no RuleId, folder targets as t:FolderId (Exchange converts distinguished ids). */
function normalizeRule(mb: MailboxStore, rule: Element, errors: RuleError[]): Element {
  const actions = child(rule, 'Actions');
  if (!actions || !elements(actions).length) errors.push({ field: 'Actions', code: 'MissingAction', message: 'The rule has no action.', value: '' });
  let xml = `<t:Rule>${elements(rule).filter((e) => e.localName !== 'RuleId').map(serialize).join('')}</t:Rule>`;
  for (const name of ['MoveToFolder', 'CopyToFolder']) {
    const target = child(actions, name);
    if (!target) continue;
    const idEl = elements(target)[0];
    try {
      const f = mb.resolveFolder(idEl!);
      xml = xml.replace(new RegExp(`<t:${name}>.*?</t:${name}>`), `<t:${name}>${mb.folderIdXml(f)}</t:${name}>`);
    } catch (e) {
      if (!(e instanceof EwsError)) throw e;
      const malformed = e.code === 'ErrorInvalidIdMalformed';
      errors.push({
        field: `Action:${name}`,
        code: malformed ? 'InvalidFolderId' : 'FolderDoesNotExist',
        message: malformed ? 'The folder id is malformed.' : 'The folder does not exist in the mailbox.',
        value: idEl?.getAttribute('Id') ?? '',
      });
    }
  }
  return fragment(xml);
}

function sortRules(list: StoredRule[]): StoredRule[] {
  return list.sort((a, b) => Number(childText(a.rule, 'Priority') ?? 0) - Number(childText(b.rule, 'Priority') ?? 0));
}

/** FakeMailbox.rules = [...]: replaces all rules (t:Rule XML with t: prefixes, RuleId optional). */
export function storeRules(mb: MailboxStore, xmls: string[]): void {
  mb.storedRules = sortRules(
    xmls.map((x) => {
      const el = fragment(x);
      const errors: RuleError[] = [];
      const rule = normalizeRule(mb, el, errors);
      if (errors.length) throw new Error(`rule "${childText(el, 'DisplayName')}": ${errors.map((e) => e.message).join(' ')}`);
      return { id: childText(el, 'RuleId') ?? newRuleId(), rule };
    }),
  );
}

function targetMailbox(ctx: OpContext): MailboxStore {
  const address = childText(ctx.body, 'MailboxSmtpAddress', NS.m);
  if (address && address.toLowerCase() !== ctx.mailbox.address.toLowerCase()) throw new EwsError('ErrorAccessDenied');
  return ctx.mailbox;
}

function errorRoot(name: string, e: EwsError, inner = ''): string {
  return responseRoot(name, `<m:MessageText>${esc(e.message)}</m:MessageText><m:ResponseCode>${e.code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${inner}`).replace(`<m:${name} `, `<m:${name} ResponseClass="Error" `);
}

function successRoot(name: string, inner: string): string {
  return responseRoot(name, `<m:ResponseCode>NoError</m:ResponseCode>${inner}`).replace(`<m:${name} `, `<m:${name} ResponseClass="Success" `);
}

export function getInboxRules(ctx: OpContext): string {
  let mb: MailboxStore;
  try {
    mb = targetMailbox(ctx);
  } catch (e) {
    if (e instanceof EwsError) return errorRoot('GetInboxRulesResponse', e);
    throw e;
  }
  const rules = mb.storedRules.map(servedRule).join('');
  return successRoot('GetInboxRulesResponse', `<m:OutlookRuleBlobExists>${mb.hasOutlookRuleBlob}</m:OutlookRuleBlobExists>${rules ? `<m:InboxRules>${rules}</m:InboxRules>` : '<m:InboxRules/>'}`);
}

export function updateInboxRules(ctx: OpContext): string {
  const name = 'UpdateInboxRulesResponse';
  let mb: MailboxStore;
  try {
    mb = targetMailbox(ctx);
  } catch (e) {
    if (e instanceof EwsError) return errorRoot(name, e);
    throw e;
  }
  if (mb.hasOutlookRuleBlob && childText(ctx.body, 'RemoveOutlookRuleBlob', NS.m) !== 'true') {
    return errorRoot(name, new EwsError('ErrorOutlookRuleBlobExists'));
  }
  const next = new Map(mb.storedRules.map((r) => [r.id, r]));
  const failures: Array<{ index: number; errors: RuleError[] }> = [];
  elements(m(ctx.body, 'Operations')).forEach((op, index) => {
    const errors: RuleError[] = [];
    const rule = child(op, 'Rule');
    const ruleId = op.localName === 'DeleteRuleOperation' ? childText(op, 'RuleId') : childText(rule, 'RuleId');
    if (op.localName === 'CreateRuleOperation') {
      if (ruleId) errors.push({ field: 'RuleId', code: 'CreateWithRuleId', message: 'A new rule cannot carry a RuleId.', value: ruleId });
      const stored = normalizeRule(mb, rule!, errors);
      if (!errors.length) {
        const id = newRuleId();
        next.set(id, { id, rule: stored });
      }
    } else if (!ruleId || !next.has(ruleId)) {
      errors.push({ field: 'RuleId', code: 'RuleNotFound', message: 'The rule was not found.', value: ruleId ?? '' });
    } else if (op.localName === 'DeleteRuleOperation') next.delete(ruleId);
    else {
      const stored = normalizeRule(mb, rule!, errors);
      if (!errors.length) next.set(ruleId, { id: ruleId, rule: stored });
    }
    if (errors.length) failures.push({ index, errors });
  });
  if (failures.length) {
    const xml = failures
      .map(
        (f) =>
          `<t:RuleOperationError><t:OperationIndex>${f.index}</t:OperationIndex><t:ValidationErrors>${f.errors
            .map((e) => `<t:Error><t:FieldURI>${e.field}</t:FieldURI><t:ErrorCode>${e.code}</t:ErrorCode><t:ErrorMessage>${esc(e.message)}</t:ErrorMessage><t:FieldValue>${esc(e.value)}</t:FieldValue></t:Error>`)
            .join('')}</t:ValidationErrors></t:RuleOperationError>`,
      )
      .join('');
    return errorRoot(name, new EwsError('ErrorInboxRulesValidationError', MESSAGE_TEXT.ErrorInboxRulesValidationError), `<m:RuleOperationErrors>${xml}</m:RuleOperationErrors>`);
  }
  mb.storedRules = sortRules([...next.values()]);
  mb.hasOutlookRuleBlob = false;
  return successRoot(name, '');
}
