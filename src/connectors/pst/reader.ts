import './long-compare';
import { createRequire } from 'node:module';
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';
import { corruptPst } from './header';
import { composeMessage, internalDateOf, messageIdOf } from './compose';
import { isMailFolder, isMailMessageClass, itemKindOf, specialUseOf } from './folders';
import { readItem, type PstItem, type PstItemKind } from './items';
import { PST_DELIMITER, type PstItemRef } from './protocol';

/**
 * The synchronous PST reader. It runs only inside the reader thread (thread.ts): pst-extractor
 * reads the file with blocking fs.readSync calls. Only the B-tree index is held in memory; folder
 * tables and messages are read on demand, one at a time.
 */
const require = createRequire(import.meta.url);
const { PSTUtil } = require('pst-extractor/dist/PSTUtil.class') as {
  PSTUtil: { detectAndLoadPSTObject(file: PSTFile, node: unknown): unknown };
};
const Long = require('long') as { fromNumber(n: number): unknown };

/** NID of the IPM subtree ("Top of Personal Folders"), MS-PST 2.4.1. */
const NID_IPM_SUBTREE = 0x8022;

export interface PstFolderEntry {
  path: string;
  specialUse?: string;
  /** Items in the folder's contents table (mail folders: messages). */
  count: number;
  /** Why some of the folder could not be read, when that happened. */
  problem?: string;
}

export interface PstMessageSummary {
  ref: string;
  size: number;
  flags: string[];
  internalDate?: string;
  messageId: string;
  /** A message the PST lists but cannot give: counted as failed, with the folder's problem. */
  unreadable?: boolean;
}

interface FolderNode {
  folder: PSTFolder;
  entry: PstFolderEntry;
  mail: boolean;
}

export class PstReader {
  private readonly pst: PSTFile;
  private readonly nodes = new Map<string, FolderNode>();

  constructor(
    file: string,
    private readonly name: string,
  ) {
    try {
      this.pst = new PSTFile(file);
    } catch (err) {
      throw corruptPst(name, describe(err));
    }
    try {
      this.walk(this.ipmSubtree(), undefined);
    } catch (err) {
      throw corruptPst(name, `its folder tree cannot be read: ${describe(err)}`);
    }
    const problems = [...this.nodes.values()].map((n) => n.entry.problem).filter(Boolean);
    if (problems.length && !this.mailFolders().length) throw corruptPst(name, `its folder tree cannot be read: ${problems[0]}`);
  }

  close(): void {
    this.pst.close();
  }

  /** Mail folders below the IPM subtree; the subtree's own messages (if any) as a folder named after it. */
  mailFolders(): PstFolderEntry[] {
    return [...this.nodes.values()].filter((n) => n.mail).map((n) => n.entry);
  }

  scan(path: string): PstMessageSummary[] {
    const node = this.node(path);
    const out: PstMessageSummary[] = [];
    this.eachChild(node, (msg, index) => {
      if (!msg) {
        out.push({ ref: `unreadable-${index}`, size: 0, flags: [], messageId: `<unreadable-${index}.${encodeURIComponent(path)}@tern.invalid>`, unreadable: true });
        return;
      }
      if (!isMailMessageClass(msg.messageClass)) return;
      const flags = msg.isRead ? ['\\Seen'] : [];
      if (msg.isUnsent && node.entry.specialUse === '\\Drafts') flags.push('\\Draft');
      out.push({ ref: msg.descriptorNodeId.toString(), size: Number(msg.messageSize?.toString() ?? 0) || 0, flags, internalDate: internalDateOf(msg)?.toISOString(), messageId: messageIdOf(msg) });
    });
    return out;
  }

  /** Rebuilt messages by ref; a message that cannot be read is left out (the caller counts it failed). */
  async fetch(refs: string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const ref of refs) {
      if (!/^\d+$/.test(ref)) continue;
      try {
        const msg = this.load(Number(ref)) as PSTMessage;
        out.set(ref, await composeMessage(msg));
      } catch {
        // Damaged message: reported as failed in its folder by the step.
      }
    }
    return out;
  }

  /**
   * Where the items of one non-mail kind are, from every folder that holds them (cheap: the
   * message class only). Read them with readItems in small batches.
   */
  itemRefs(kind: PstItemKind): { refs: PstItemRef[]; unreadable: number } {
    const refs: PstItemRef[] = [];
    let unreadable = 0;
    for (const node of this.nodes.values()) {
      this.eachChild(node, (msg) => {
        if (!msg) return void unreadable++;
        if (itemKindOf(msg.messageClass) === kind) refs.push({ ref: msg.descriptorNodeId.toString(), folder: node.entry.path });
      });
    }
    return { refs, unreadable };
  }

  /** Items by ref; one that cannot be read is left out (the caller counts it failed). */
  readItems(refs: PstItemRef[]): PstItem[] {
    const out: PstItem[] = [];
    for (const { ref, folder } of refs) {
      try {
        const item = readItem(this.load(Number(ref)) as PSTMessage, folder);
        if (item) out.push(item);
      } catch {
        // Damaged item: reported by the caller as failed.
      }
    }
    return out;
  }

  private ipmSubtree(): PSTFolder {
    const root = this.pst.getRootFolder();
    const top = root.getSubFolders().find((f) => Number(f.descriptorNodeId.toString()) === NID_IPM_SUBTREE);
    return top ?? root;
  }

  private walk(folder: PSTFolder, parent: string | undefined): void {
    const name = (folder.displayName || 'Folder').split(PST_DELIMITER).join('_');
    const path = parent === undefined ? name : parent ? `${parent}${PST_DELIMITER}${name}` : name;
    const entry: PstFolderEntry = { path, count: folder.contentCount };
    if (parent === '') entry.specialUse = specialUseOf(name);
    const mail = isMailFolder(folder) && (parent !== undefined || folder.contentCount > 0);
    this.nodes.set(path, { folder, entry, mail });
    let children: PSTFolder[] = [];
    try {
      if (folder.hasSubfolders) children = folder.getSubFolders();
    } catch (err) {
      entry.problem = `its sub-folders could not be read (${describe(err)})`;
    }
    // Top-level folders' paths start from the root of the import, not from "Top of Personal Folders".
    for (const child of children) {
      try {
        this.walk(child, parent === undefined ? '' : path);
      } catch (err) {
        // One damaged folder does not stop the others.
        entry.problem = `a sub-folder could not be read (${describe(err)})`;
      }
    }
  }

  private node(path: string): FolderNode {
    const node = this.nodes.get(path);
    if (!node) throw new Error(`no folder ${path} in ${this.name}`);
    return node;
  }

  /**
   * Visits the folder's items one at a time. pst-extractor skips an item it cannot load; the
   * difference with the contents table's count is passed as unreadable (null) items.
   */
  private eachChild(node: FolderNode, visit: (msg: PSTMessage | null, index: number) => void): void {
    const { folder, entry } = node;
    if (folder.contentCount <= 0) return;
    let seen = 0;
    try {
      folder.moveChildCursorTo(0);
      for (let child = folder.getNextChild(); child; child = folder.getNextChild()) {
        visit(child as PSTMessage, seen++);
      }
    } catch (err) {
      entry.problem = `some items could not be read (${describe(err)})`;
    }
    const missing = folder.contentCount - seen;
    if (missing > 0) {
      entry.problem ??= `${missing} item(s) could not be read`;
      for (let i = 0; i < missing; i++) visit(null, seen + i);
    }
  }

  private load(nid: number): unknown {
    return PSTUtil.detectAndLoadPSTObject(this.pst, this.pst.getDescriptorIndexNode(Long.fromNumber(nid) as never));
  }
}

function describe(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/^PST\w*::\w+ /, '').slice(0, 200);
}
