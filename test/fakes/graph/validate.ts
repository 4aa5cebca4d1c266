// Checks a JSON body against a CSDL type as Graph does: unknown properties, wrong types, unknown
// enum members and (when a client writes) read-only properties are refused, each with a message
// naming the property and the type, in Graph's own words where it has some.
import type { Csdl, PropertyDef, StructuredType } from './csdl';

export type Mode = 'create' | 'update' | 'response';

/**
 * Read-only by Microsoft's documentation but not annotated as such in the CSDL: the server sets
 * them, and a client that sends them gets 400 from Graph.
 */
const SERVER_SET = new Set([
  'microsoft.graph.entity/id',
  'microsoft.graph.outlookItem/changeKey',
  'microsoft.graph.outlookItem/createdDateTime',
  'microsoft.graph.outlookItem/lastModifiedDateTime',
  'microsoft.graph.message/bodyPreview',
  'microsoft.graph.message/conversationId',
  'microsoft.graph.message/hasAttachments',
  'microsoft.graph.message/parentFolderId',
  'microsoft.graph.message/webLink',
  'microsoft.graph.mailFolder/childFolderCount',
  'microsoft.graph.mailFolder/totalItemCount',
  'microsoft.graph.mailFolder/unreadItemCount',
  'microsoft.graph.contact/parentFolderId',
  'microsoft.graph.contactFolder/parentFolderId',
  'microsoft.graph.todoTask/createdDateTime',
  'microsoft.graph.todoTask/lastModifiedDateTime',
  'microsoft.graph.todoTask/hasAttachments',
  'microsoft.graph.event/hasAttachments',
  'microsoft.graph.attachment/size',
  'microsoft.graph.attachmentBase/size',
  'microsoft.graph.messageRule/hasError',
]);

const PRIMITIVE: Record<string, (v: unknown) => boolean> = {
  'Edm.String': (v) => typeof v === 'string',
  'Edm.Boolean': (v) => typeof v === 'boolean',
  'Edm.Int16': (v) => Number.isInteger(v),
  'Edm.Int32': (v) => Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31,
  'Edm.Int64': (v) => Number.isInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v)),
  'Edm.Byte': (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 256,
  'Edm.Double': (v) => typeof v === 'number' || v === 'NaN' || v === 'INF' || v === '-INF',
  'Edm.Single': (v) => typeof v === 'number',
  'Edm.Decimal': (v) => typeof v === 'number',
  'Edm.Guid': (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  'Edm.DateTimeOffset': (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/.test(v),
  'Edm.Date': (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
  'Edm.TimeOfDay': (v) => typeof v === 'string' && /^\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/.test(v),
  'Edm.Duration': (v) => typeof v === 'string' && /^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(v),
  'Edm.Binary': (v) => typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v),
  'Edm.Stream': () => true,
  'Edm.Untyped': () => true,
};

export class SchemaValidator {
  constructor(private readonly csdl: Csdl) {}

  /** Problems with `value` as an instance of `typeName`; [] when it is valid. */
  check(typeName: string, value: unknown, mode: Mode, where = ''): string[] {
    const errors: string[] = [];
    this.value({ name: where || typeName, type: typeName, collection: false, nullable: false }, value, mode, where || short(typeName), errors);
    return errors;
  }

  /** Problems with an action's JSON body: each key one of its parameters, of its type; those not nullable present. */
  checkParameters(action: string, parameters: PropertyDef[], body: Record<string, unknown>, where: string): string[] {
    const errors: string[] = [];
    for (const [key, v] of Object.entries(body)) {
      const def = parameters.find((p) => p.name === key);
      if (!def) errors.push(`${where}.${key}: '${key}' is not a parameter of ${short(action)}`);
      else this.value(def, v, 'create', `${where}.${key}`, errors);
    }
    for (const p of parameters) if (!p.nullable && !(p.name in body)) errors.push(`${where}: the parameter '${p.name}' of ${short(action)} is missing`);
    return errors;
  }

  /** `contained`: an entity written inside its parent (an extended property): its key is the client's to give. */
  private value(def: PropertyDef, value: unknown, mode: Mode, where: string, errors: string[], contained = false): void {
    if (value === null) {
      if (!def.nullable) errors.push(`${where}: null is not allowed (${def.type} is not nullable)`);
      return;
    }
    if (def.collection) {
      if (!Array.isArray(value)) return void errors.push(`${where}: expected a collection of ${short(def.type)}`);
      value.forEach((v, i) => this.value({ ...def, collection: false, nullable: true }, v, mode, `${where}[${i}]`, errors, contained));
      return;
    }
    const primitive = PRIMITIVE[def.type];
    if (primitive) {
      if (!primitive(value)) errors.push(`${where}: ${JSON.stringify(value)?.slice(0, 60)} is not a valid ${def.type}`);
      return;
    }
    const members = this.csdl.enums.get(def.type);
    if (members) {
      // Flags enums are comma-separated members.
      const parts = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : [];
      if (parts.length === 0 || parts.some((p) => !members.has(p))) errors.push(`${where}: ${JSON.stringify(value)} is not a member of ${short(def.type)}`);
      return;
    }
    const type = this.csdl.types.get(def.type);
    if (!type) return void errors.push(`${where}: unknown type ${def.type}`);
    if (typeof value !== 'object' || Array.isArray(value)) return void errors.push(`${where}: expected an object of type ${short(def.type)}`);
    this.structured(type, value as Record<string, unknown>, mode, where, errors, contained);
  }

  private structured(declared: StructuredType, body: Record<string, unknown>, mode: Mode, where: string, errors: string[], contained: boolean): void {
    let type = declared;
    const odataType = body['@odata.type'];
    if (typeof odataType === 'string') {
      const named = this.csdl.types.get(odataType.replace(/^#/, ''));
      if (!named || !this.csdl.derived(declared.name).includes(named.name)) return void errors.push(`${where}: @odata.type ${odataType} is not ${short(declared.name)} or derived from it`);
      type = named;
    }
    if (type.abstract && mode !== 'response' && typeof odataType !== 'string') errors.push(`${where}: ${short(type.name)} is abstract: @odata.type must name a concrete type`);
    for (const [key, v] of Object.entries(body)) {
      // Instance and property annotations (@odata.etag, foo@odata.nextLink, @removed…).
      if (key.includes('@')) continue;
      const at = `${where}.${key}`;
      const prop = type.properties.get(key);
      const nav = type.navigation.get(key);
      if (!prop && !nav) {
        errors.push(`${at}: Property '${key}' does not exist on type '${type.name}'`);
        continue;
      }
      if (prop && mode !== 'response' && !(contained && key === 'id') && this.readOnly(type, key)) {
        errors.push(`${at}: Property '${key}' is read-only and cannot be set`);
        continue;
      }
      this.value(prop ?? { ...nav!, nullable: true }, v, mode, at, errors, Boolean(nav));
    }
  }

  private readOnly(type: StructuredType, key: string): boolean {
    // Declared on the type or on one it derives from.
    for (let t: StructuredType | undefined = type; t; t = t.baseType ? this.csdl.types.get(t.baseType) : undefined) {
      const name = `${t.name}/${key}`;
      if (this.csdl.computed.has(name) || SERVER_SET.has(name)) return true;
    }
    return false;
  }
}

const short = (t: string) => t.replace(/^microsoft\.graph\./, '');
