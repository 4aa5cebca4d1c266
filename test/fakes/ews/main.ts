// The fake Exchange server on its own, for people and other tools:
//   npm run fake:ews -- --port 8443 --users alice@example.com:pw,bob@example.com:pw [--admins alice@example.com]
//                       [--page-limit 100] [--no-validate]
// Then point any EWS client at the logged URL with Basic credentials. Ctrl-C stops it.
import { startFakeEws } from './index';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run fake:ews -- --users a@x:pw[,b@x:pw…] [--port N] [--admins a@x[,…]] [--page-limit N] [--no-validate]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) usage(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2);
    if (key === 'no-validate') out.set(key, 'true');
    else out.set(key, inline ?? argv[++i] ?? usage(`--${key} needs a value`));
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const users: Record<string, string> = {};
for (const pair of (args.get('users') ?? usage('--users is required')).split(',').filter(Boolean)) {
  const i = pair.indexOf(':');
  if (i <= 0) usage(`--users entries are address:password, got ${pair}`);
  users[pair.slice(0, i)] = pair.slice(i + 1);
}
const number = (name: string) => {
  const v = args.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) usage(`--${name} must be a number`);
  return Number(v);
};

const fake = await startFakeEws({
  users,
  admins: args.get('admins')?.split(',').filter(Boolean),
  port: number('port'),
  pageLimit: number('page-limit'),
  validate: !args.has('no-validate'),
});
console.log(`Fake Exchange (EWS) listening on ${fake.url}`);
console.log(`  mailboxes: ${Object.keys(users).join(', ')}${args.get('admins') ? `; may impersonate: ${args.get('admins')}` : ''}`);
console.log(`  schema validation: ${args.has('no-validate') ? 'off' : 'on (failures are logged here)'}`);

let reported = 0;
const timer = setInterval(() => {
  for (const e of fake.schemaErrors.slice(reported)) console.error(`schema: ${e}`);
  for (const e of fake.internalErrors.splice(0)) console.error(`fake bug: ${e}`);
  reported = fake.schemaErrors.length;
}, 500);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(timer);
    void fake.close().then(() => process.exit(0));
  });
}
