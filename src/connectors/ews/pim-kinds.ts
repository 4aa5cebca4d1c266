import type { PimKind } from '../../ports/pim-items';
import type { EwsFolder, WellKnownFolder } from './types';

/** Exchange folder classes and default folders of each kind (groups live in contact folders). */
export const EXCHANGE_KIND: Record<PimKind, { folderClass: string; wellKnown: WellKnownFolder }> = {
  contact: { folderClass: 'IPF.Contact', wellKnown: 'contacts' },
  group: { folderClass: 'IPF.Contact', wellKnown: 'contacts' },
  event: { folderClass: 'IPF.Appointment', wellKnown: 'calendar' },
  task: { folderClass: 'IPF.Task', wellKnown: 'tasks' },
};

export const ofClass = (f: EwsFolder, folderClass: string) => f.folderClass === folderClass || f.folderClass.startsWith(folderClass + '.');
