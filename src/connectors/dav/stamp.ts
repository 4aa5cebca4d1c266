/**
 * The property Tern writes on every vCard and calendar object it creates: the stamp of its source
 * item, so a re-run finds its copy (the engine's dedupe) and a resumed task claims it. Other
 * clients keep X- properties they do not know.
 */
export const STAMP_PROPERTY = 'X-TERN-STAMP';
