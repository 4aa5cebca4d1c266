import './long-compare';
import { createRequire } from 'node:module';
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';
import { corruptPst } from './header';
import { composeMessage, internalDateOf, messageIdOf } from './compose';
import { contentsSubjects } from './contents';
import { damaged, folderWords, itemPart, PstDamage, quoted, unreadableItems } from './damage';
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
  /** What of the folder could not be read, in the user's words with what to do, when that happened. */
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
  /** The damaged parts found so far, each a clause in the user's words ("the sub-folders of “Inbox” cannot be read"). */
  damage: Set<string>;
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
      throw corruptPst(name, damaged('its table of contents', err));
    }
    try {
      this.walk(this.ipmSubtree(), undefined);
    } catch (err) {
      throw corruptPst(name, damaged('the folder list', err));
    }
    const damage = [...this.nodes.values()].flatMap((n) => [...n.damage]);
    if (damage.length && !this.mailFolders().length) throw corruptPst(name, new PstDamage('the folder list', damage.join('; ')));
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

  /**
   * Rebuilt messages by ref; a message that cannot be read is left out (the caller counts it
   * failed). Which part of it is damaged is added to its folder's problem; the mail port asks for
   * that note once, after the scan, so it shows only if the folder is asked for again.
   */
  async fetch(folder: string, refs: string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const node = this.nodes.get(folder);
    for (const ref of refs) {
      if (!/^\d+$/.test(ref)) continue;
      let subject: string | undefined;
      try {
        const msg = this.load(Number(ref)) as PSTMessage;
        subject = msg.subject;
        out.set(ref, await composeMessage(msg, itemPart(subject, folder)));
      } catch (err) {
        if (node) this.note(node, damaged(itemPart(subject, folder), err));
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
      let subject: string | undefined;
      try {
        const msg = this.load(Number(ref)) as PSTMessage;
        subject = msg.subject;
        const item = readItem(msg, folder);
        if (item) out.push(item);
      } catch (err) {
        // Counted failed by the caller; the folder keeps what was damaged.
        const node = this.nodes.get(folder);
        if (node) this.note(node, damaged(itemPart(subject, folder, folderWords(node.folder.containerClass).item), err));
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
    const node: FolderNode = { folder, entry, mail, damage: new Set() };
    this.nodes.set(path, node);
    let children: PSTFolder[] = [];
    try {
      if (folder.hasSubfolders) children = folder.getSubFolders();
    } catch (err) {
      this.note(node, damaged(`the sub-folders of ${quoted(path)}`, err));
    }
    // Top-level folders' paths start from the root of the import, not from "Top of Personal Folders".
    for (const child of children) {
      try {
        this.walk(child, parent === undefined ? '' : path);
      } catch (err) {
        // One damaged folder does not stop the others.
        this.note(node, damaged(`a sub-folder of ${quoted(path)}`, err));
      }
    }
  }

  /** Records damage in a folder: its report says which part, in the user's words, and what to do. */
  private note(node: FolderNode, damage: PstDamage): void {
    node.damage.add(`${damage.part} cannot be read`);
    node.entry.problem = `${this.name} is damaged: ${[...node.damage].join('; ')}. ${REPAIR_AND_AGAIN}`;
  }

  private node(path: string): FolderNode {
    const node = this.nodes.get(path);
    if (!node) throw new Error(`no folder ${path} in ${this.name}`);
    return node;
  }

  /**
   * Visits the folder's items one at a time. An item that cannot be loaded (pst-extractor skips
   * it, or throws) is passed as null and named in the folder's problem by the subject its row in
   * the contents table still has; so are items the folder counts but does not list.
   */
  private eachChild(node: FolderNode, visit: (msg: PSTMessage | null, index: number) => void): void {
    const { folder, entry } = node;
    const total = folder.contentCount;
    if (total <= 0) return;
    const failed: number[] = [];
    let index = 0;
    try {
      folder.moveChildCursorTo(0);
      while (index < total) {
        let child: PSTMessage | null;
        try {
          child = folder.getNextChild() as PSTMessage | null;
        } catch {
          // The row's item cannot be found or opened: step over it.
          failed.push(index);
          folder.moveChildCursorTo(++index);
          continue;
        }
        if (!child) break;
        // pst-extractor moves past items it cannot load without a word: its cursor shows which.
        const at = (folder as unknown as { currentEmailIndex: number }).currentEmailIndex - 1;
        for (; index < at; index++) failed.push(index);
        visit(child, index++);
      }
    } catch (err) {
      this.note(node, damaged(`${folderWords(folder.containerClass).list} in ${quoted(entry.path)}`, err));
    }
    for (; index < total; index++) failed.push(index);
    if (!failed.length) return;
    const subjects = contentsSubjects(folder);
    const words = folderWords(folder.containerClass);
    this.note(node, new PstDamage(unreadableItems(failed.map((i) => subjects.get(i)), words.item, entry.path), `${failed.length} of ${total} rows not loadable: ${failed.slice(0, 20).join(', ')}`));
    for (const i of failed) visit(null, i);
  }

  private load(nid: number): unknown {
    return PSTUtil.detectAndLoadPSTObject(this.pst, this.pst.getDescriptorIndexNode(Long.fromNumber(nid) as never));
  }
}

/** What to do about damage found once the import runs: repair, then import again (nothing is copied twice). */
const REPAIR_AND_AGAIN = "Repair it with Outlook's Inbox Repair Tool (scanpst.exe), then import it again: what was already copied is not copied twice.";
