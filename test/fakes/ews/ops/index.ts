// Operation name (the SOAP body's first element: ews-javascript-api sends no SOAPAction) → handler.
import { createAttachment, deleteAttachment, getAttachment } from './attachments';
import type { OpHandler } from './context';
import { expandDL } from './dl';
import { findItem } from './find';
import { createFolder, deleteFolder, findFolder, getFolder } from './folders';
import { createItem, deleteItem, getItem } from './items';
import { getUserOofSettings, setUserOofSettings } from './oof';
import { resolveNames } from './resolve';
import { getInboxRules, updateInboxRules } from './rules';
import { updateItem } from './update';

export const OPERATIONS: Record<string, OpHandler> = {
  GetFolder: getFolder,
  FindFolder: findFolder,
  CreateFolder: createFolder,
  DeleteFolder: deleteFolder,
  FindItem: findItem,
  GetItem: getItem,
  CreateItem: createItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  CreateAttachment: createAttachment,
  GetAttachment: getAttachment,
  DeleteAttachment: deleteAttachment,
  GetInboxRules: getInboxRules,
  UpdateInboxRules: updateInboxRules,
  GetUserOofSettingsRequest: getUserOofSettings,
  SetUserOofSettingsRequest: setUserOofSettings,
  ExpandDL: expandDL,
  ResolveNames: resolveNames,
};
