import fs from 'node:fs/promises';
import { TernError } from '../errors';

/** Every PST (ANSI or Unicode) starts with "!BDN"; OST files too, told apart by their client signature. */
const PST_MAGIC = Buffer.from('!BDN');

/** Checks an uploaded file before anything else reads it: present, not empty, a PST. */
export async function checkPstFile(file: string, name: string): Promise<void> {
  const handle = await fs.open(file, 'r').catch(() => {
    throw new TernError('BAD_UPLOAD', `${name} could not be read after the upload.`);
  });
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new TernError('BAD_UPLOAD', `${name} is empty (0 bytes).`);
    const head = Buffer.alloc(10);
    await handle.read(head, 0, 10, 0);
    if (!head.subarray(0, 4).equals(PST_MAGIC)) {
      throw new TernError('BAD_UPLOAD', `${name} is not a PST file (it does not start with the PST signature).`);
    }
    // wMagicClient "SM" = PST, "SO" = OST (offline cache: not an export).
    if (head.subarray(8, 10).toString('latin1') === 'SO') {
      throw new TernError('BAD_UPLOAD', `${name} is an OST file (Outlook's offline cache), not a PST export. Export the mailbox to a .pst from Outlook.`);
    }
  } finally {
    await handle.close();
  }
}
