// Block Kit types, through Bolt (which re-exports @slack/types): the one place they are named.
import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type Button = types.Button;
export type View = types.View;
export type PlainTextOption = types.PlainTextOption;
