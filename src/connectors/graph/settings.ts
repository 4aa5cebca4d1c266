import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { SettingsPort } from '../../ports/pim';
import type { RuleData } from '../../ports/pim-items';
import { TernError } from '../../errors';
import { GraphFolders, enc } from './folders';
import { GraphHttp } from './http';
import { fromGraphAutoReplies, toGraphAutoReplies, type GraphAutoReplies } from './oof-map';
import { fromGraphRule, toGraphRule, type GraphRule } from './rule-map';

/**
 * A Microsoft 365 mailbox's inbox rules (/mailFolders/inbox/messageRules; folders named by path)
 * and automatic replies (mailboxSettings.automaticRepliesSetting), through Graph. Outlook's
 * client-side rules are not visible to Graph: hasClientRules is always false here.
 */
export async function openGraphSettings(account: AccountCredentials, options: OpenOptions): Promise<SettingsPort> {
  const http = new GraphHttp(account, options.timeoutMs);
  const rulesPath = `${http.userPath}/mailFolders/inbox/messageRules`;
  const folders = () => GraphFolders.load(http);
  const listRules = () => http.all<GraphRule>(rulesPath);
  return {
    readRules: async () => {
      const [list, tree] = await Promise.all([listRules(), folders()]);
      const pathOf = (id: string) => tree.all.find((f) => f.id === id)?.path;
      const rules = list.sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)).map((g) => fromGraphRule(g, pathOf));
      return { rules, hasClientRules: false };
    },
    writeRules: async (rules: RuleData[]) => {
      const tree = await folders();
      const idOf = (path: string) => tree.find(path)?.id;
      const refused: Array<{ displayName: string; reason: string }> = [];
      const mapped: GraphRule[] = [];
      for (const rule of rules) {
        const out = toGraphRule(rule, mapped.length + 1, idOf);
        if ('refused' in out) refused.push({ displayName: rule.displayName, reason: out.refused });
        else mapped.push(out.rule);
      }
      // The whole collection is replaced: the rules there now go, the given ones are made in order.
      const present = await listRules();
      const gone = await http.batch(present.map((r) => ({ method: 'DELETE', url: `${rulesPath}/${enc(String(r.id))}` })));
      gone.forEach((a, i) => {
        if (a.status >= 300 && a.status !== 404) throw http.refusal(a, 'DELETE', `${rulesPath}/${present[i].id}`);
      });
      for (const rule of mapped) await http.call('POST', rulesPath, { body: rule });
      return { refused };
    },
    readOof: async () => {
      const res = await http.call('GET', `${http.userPath}/mailboxSettings`);
      return fromGraphAutoReplies((res.json?.automaticRepliesSetting ?? {}) as GraphAutoReplies);
    },
    writeOof: async (oof) => {
      if (oof.state === 'Scheduled' && (!oof.start || !oof.end)) throw new TernError('PROTOCOL_ERROR', `Scheduled automatic replies for ${http.mailbox} need a start and an end; the source gave none.`);
      await http.call('PATCH', `${http.userPath}/mailboxSettings`, { body: { automaticRepliesSetting: toGraphAutoReplies(oof) } });
    },
    close: async () => {},
  };
}
