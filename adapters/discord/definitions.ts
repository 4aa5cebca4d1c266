import { ApplicationCommandOptionType, InteractionContextType, type RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';

/** The /migrate application command with its subcommands, as registered (bulk overwrite). */
export const COMMANDS: RESTPutAPIApplicationCommandsJSONBody = [
  {
    name: 'migrate',
    description: 'Move a mailbox to another account, or follow, cancel or roll back a migration',
    // In servers and in a DM with the bot (cards there have no thread: replies answer the card).
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    options: [
      { type: ApplicationCommandOptionType.Subcommand, name: 'start', description: 'Open the migration form' },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'status',
        description: 'Show a migration',
        options: [
          { type: ApplicationCommandOptionType.String, name: 'task', description: 'Task ID, e.g. T-7K3M9QXA', required: true },
          { type: ApplicationCommandOptionType.String, name: 'email', description: "The task's source address (for someone else's task)" },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'cancel',
        description: 'Finish the folder in progress, then stop',
        options: [{ type: ApplicationCommandOptionType.String, name: 'task', description: 'Task ID', required: true }],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'rollback',
        description: 'Remove from the destination what a migration created',
        options: [{ type: ApplicationCommandOptionType.String, name: 'task', description: 'Task ID', required: true }],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'retry',
        description: 'Try again what an ended migration did not copy',
        options: [{ type: ApplicationCommandOptionType.String, name: 'task', description: 'Task ID', required: true }],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'Your migrations' },
      { type: ApplicationCommandOptionType.Subcommand, name: 'help', description: 'How to use /migrate' },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'import-pst',
        description: 'Import a .pst file into a mailbox',
        options: [
          { type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'The .pst file' },
          { type: ApplicationCommandOptionType.String, name: 'url', description: 'Or an https:// link, for files above the upload limit' },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'batch',
        description: 'Check a .csv of migrations (one per row), then queue it as one batch',
        options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'The .csv: source, destination, items, notify, source_password, destination_password', required: true }],
      },
    ],
  },
];
