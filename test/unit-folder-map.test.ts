import { describe, expect, it } from 'vitest';
import { planFolders } from '../src/engine/folder-map';
import { segmentsOf } from '../src/ports/folder-paths';
import type { FolderInfo, FolderTree } from '../src/ports/mail';

const folder = (path: string, delimiter: string, specialUse?: string, fromServer = true): FolderInfo => ({
  path,
  delimiter,
  specialUse,
  specialUseFromServer: fromServer && Boolean(specialUse),
  selectable: true,
});

const slash = (paths: Array<string | [string, string, boolean?]>): FolderTree => ({
  prefix: '',
  delimiter: '/',
  folders: paths.map((p) => (typeof p === 'string' ? folder(p, '/', p === 'INBOX' ? '\\Inbox' : undefined) : folder(p[0], '/', p[1], p[2] ?? true))),
});

const dotted = (paths: Array<string | [string, string, boolean?]>): FolderTree => ({
  prefix: 'INBOX.',
  delimiter: '.',
  folders: paths.map((p) => (typeof p === 'string' ? folder(p, '.', p === 'INBOX' ? '\\Inbox' : undefined) : folder(p[0], '.', p[1], p[2] ?? true))),
});

const destinationOf = (plan: ReturnType<typeof planFolders>) => Object.fromEntries(plan.map((p) => [p.source, p.destination]));

describe('folder mapping', () => {
  it('rebuilds the hierarchy with the destination separator and prefix', () => {
    const src = slash(['INBOX', 'Projects', 'Projects/2024', 'Projects/2024/Q1', 'Réunions', 'INBOX/Sub']);
    const dst = dotted(['INBOX', ['INBOX.Sent', '\\Sent']]);
    expect(destinationOf(planFolders(src, dst))).toEqual({
      INBOX: 'INBOX',
      Projects: 'INBOX.Projects',
      'Projects/2024': 'INBOX.Projects.2024',
      'Projects/2024/Q1': 'INBOX.Projects.2024.Q1',
      Réunions: 'INBOX.Réunions',
      'INBOX/Sub': 'INBOX.Sub',
    });
  });

  it('goes the other way: INBOX. prefix and dots to slashes without a prefix', () => {
    const src = dotted(['INBOX', 'INBOX.Projects', 'INBOX.Projects.2024']);
    const dst = slash(['INBOX']);
    expect(destinationOf(planFolders(src, dst))).toEqual({ INBOX: 'INBOX', 'INBOX.Projects': 'Projects', 'INBOX.Projects.2024': 'Projects/2024' });
  });

  it('matches special-use folders by their flags, whatever their names', () => {
    const src = slash(['INBOX', ['Sent Items', '\\Sent'], ['Deleted Items', '\\Trash'], ['Sent Items/2019', '', false]]);
    const dst = dotted(['INBOX', ['INBOX.Sent', '\\Sent'], ['INBOX.Trash', '\\Trash']]);
    const map = destinationOf(planFolders(src, dst));
    expect(map['Sent Items']).toBe('INBOX.Sent');
    expect(map['Deleted Items']).toBe('INBOX.Trash');
    expect(map['Sent Items/2019']).toBe('INBOX.Sent.2019');
  });

  it('uses well-known names when the destination flags nothing, never creating "Sent Items" beside "Sent"', () => {
    const src = slash(['INBOX', ['Sent Items', '\\Sent']]);
    const dst = slash(['INBOX', ['Sent', '\\Sent', false]]);
    expect(destinationOf(planFolders(src, dst))['Sent Items']).toBe('Sent');
  });

  it('keeps a second, merely name-matched folder as an ordinary folder', () => {
    const src = slash(['INBOX', ['Sent', '\\Sent'], ['Sent Items', '\\Sent', false]]);
    const dst = slash(['INBOX', ['Sent', '\\Sent']]);
    const map = destinationOf(planFolders(src, dst));
    expect(map.Sent).toBe('Sent');
    expect(map['Sent Items']).toBe('Sent Items');
  });

  it('renames a name holding the destination separator, and says so', () => {
    const src = slash(['INBOX', 'v1.2', 'v1.2/notes']);
    const dst = dotted(['INBOX']);
    const plan = planFolders(src, dst);
    expect(destinationOf(plan)).toMatchObject({ 'v1.2': 'INBOX.v1_2', 'v1.2/notes': 'INBOX.v1_2.notes' });
    expect(plan.find((p) => p.source === 'v1.2')!.note).toMatch(/renamed "v1.2" to "v1_2"/);
  });

  it('creates a special folder missing at the destination under its own name', () => {
    const src = slash(['INBOX', ['Archive', '\\Archive']]);
    expect(destinationOf(planFolders(src, dotted(['INBOX'])))['Archive']).toBe('INBOX.Archive');
  });

  it('splits paths below the namespace prefix', () => {
    expect(segmentsOf('INBOX.a.b', { prefix: 'INBOX.', delimiter: '.' })).toEqual(['a', 'b']);
    expect(segmentsOf('INBOX', { prefix: 'INBOX.', delimiter: '.' })).toEqual(['INBOX']);
    expect(segmentsOf('a/b', { prefix: '', delimiter: '/' })).toEqual(['a', 'b']);
  });
});
