// A DAV account given as user@auto: its server from the domain's RFC 6764 DNS records (SRV and the
// TXT path=) served by a real UDP responder, then logged in to a real Radicale there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemNetwork, type Network } from '../src/connectors/autodetect';
import { connector } from '../src/connectors/dav/index';
import { parseAccountUrl } from '../src/accounts';
import { resolveAuto } from '../src/service/resolve-auto';
import { parseMigrateForm } from '../commands/migrate-form';
import { startDns, type TestDns } from './support/dns-server';
import { startRadicale, type RadicaleServer } from './support/radicale';

let dns: TestDns;
let radicale: RadicaleServer;
let network: Network;

beforeAll(async () => {
  [dns, radicale] = await Promise.all([startDns(), startRadicale({ users: 'ann@davhost.test:annpass' })]);
  network = systemNetwork({ dnsServers: [dns.address], timeoutMs: 1000 });
  dns.add(
    { type: 'SRV', name: '_caldav._tcp.davhost.test', target: '127.0.0.1', port: radicale.port },
    { type: 'TXT', name: '_caldav._tcp.davhost.test', text: 'path=/' },
    // Offered as "not available" (RFC 2782 target "."): never chosen.
    { type: 'SRV', name: '_caldavs._tcp.davhost.test', target: '.', port: 0 },
  );
});

afterAll(async () => {
  await Promise.all([dns?.close(), radicale?.stop()]);
});

describe('DAV autodetection (RFC 6764)', () => {
  it('finds the server and path from SRV and TXT, and the account logs in there', async () => {
    const given = parseAccountUrl('dav://ann%40davhost.test:annpass@auto', 'source');
    const { account, detected } = await resolveAuto(given, 'source', network);
    expect(account).toMatchObject({ protocol: 'dav', host: '127.0.0.1', port: radicale.port, secure: false, path: '/', user: 'ann@davhost.test' });
    expect(detected).toBe(`source CalDAV/CardDAV settings detected: http://127.0.0.1:${radicale.port}/, from DNS SRV _caldav._tcp.davhost.test`);
    await connector.check(account, { timeoutMs: 5000 });
  });

  it('the chat forms offer CalDAV/CardDAV: an empty server field means detection, a URL gives server and path', () => {
    const side = (host: string) => ({ type: 'dav', login: 'ann@davhost.test', password: 'annpass', host });
    const parsed = parseMigrateForm({ source: side(''), destination: side('https://dav.example.com/remote.php/dav'), items: ['contacts', 'calendars'] });
    expect(parsed.source).toMatchObject({ protocol: 'dav', host: 'auto', secure: true, user: 'ann@davhost.test' });
    expect(parsed.destination).toMatchObject({ protocol: 'dav', host: 'dav.example.com', port: 443, secure: true, path: '/remote.php/dav' });
  });

  it('says what is missing when the domain publishes no DAV record', async () => {
    const given = parseAccountUrl('dav://bo%40nodav.test:pw@auto', 'destination');
    await expect(resolveAuto(given, 'destination', network)).rejects.toMatchObject({
      code: 'BAD_ACCOUNT_URL',
      userMessage: 'Destination account: no CalDAV/CardDAV server was found for nodav.test (no _caldavs._tcp or _carddavs._tcp DNS record). Give the server instead of "auto" (e.g. dav://user@dav.nodav.test/).',
    });
  });
});
