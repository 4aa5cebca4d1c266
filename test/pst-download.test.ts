// A .pst given as an HTTPS link (files above a chat's upload limit): streamed to the uploads
// directory, limited by TERN_MAX_UPLOAD_BYTES, signature-checked as it arrives, then imported.
// A real HTTPS server with a certificate made for the test; fetch trusts exactly that certificate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// undici is Node's own fetch implementation (here through discord.js): its global dispatcher is the one fetch uses.
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { projectRoot, startTern, type TestTern } from './support/tern';
import { importPstFromUrl } from '../commands/import-pst';
import { downloadPst } from '../src/service/uploads';

const PST = fs.readFileSync(path.resolve(projectRoot, '../shared/fixtures/pst/aspose-outlook.pst'));
const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-pst-tls-'));
let server: https.Server;
let base: string;
let previous: Dispatcher;
let dovecot: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(tlsDir, 'key.pem'), '-out', path.join(tlsDir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const cert = fs.readFileSync(path.join(tlsDir, 'cert.pem'));
  server = https.createServer({ key: fs.readFileSync(path.join(tlsDir, 'key.pem')), cert }, (req, res) => {
    if (req.url === '/exports/aspose-outlook.pst') return res.writeHead(200, { 'content-length': PST.length }).end(PST);
    // Chunked, no Content-Length: only the running count can stop it.
    if (req.url === '/chunked.pst') return res.writeHead(200).end(PST);
    if (req.url === '/login.pst') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  previous = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: cert } }));
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  setGlobalDispatcher(previous);
  await tern?.close();
  await Promise.all([dovecot?.stop(), redis?.stop(), new Promise((r) => server?.close(r))]);
  fs.rmSync(tlsDir, { recursive: true, force: true });
});

const uploads = () => path.join(tern.env.TERN_DATA_DIR, 'uploads');
const stored = () => (fs.existsSync(uploads()) ? fs.readdirSync(uploads()) : []);

describe('a .pst from an HTTPS link', () => {
  it('is streamed into the uploads directory and imported like a shared file', async () => {
    await dovecot.addUser('linkuser', 'linkuserpass');
    const values = { destination: { type: 'imap', login: 'linkuser', password: 'linkuserpass', host: '127.0.0.1', port: String(dovecot.imapPort), tls: false }, items: ['emails'] };
    const created = await importPstFromUrl(tern.service, { url: `${base}/exports/aspose-outlook.pst`, values }, tern.actor);
    const done = await tern.waitFor(created.id);
    expect(done).toMatchObject({ status: 'completed', source: 'pst:aspose-outlook.pst' });
    expect(done.steps[0]).toMatchObject({ total: 14, copied: 14 });
    const [file] = stored();
    expect(file).toMatch(/^[0-9a-f]{12}-aspose-outlook\.pst$/);
    expect(fs.readFileSync(path.join(uploads(), file)).equals(PST)).toBe(true);
    await tern.service.purgeExpired(Date.parse(done.rollbackUntil!) + 1);
    expect(stored()).toEqual([]);
  });

  it('refuses a link that gives a web page, keeping nothing', async () => {
    const err = await downloadPst(`${base}/login.pst`, tern.env.TERN_DATA_DIR, 1e9).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_UPLOAD', userMessage: expect.stringMatching(/^login\.pst is not a PST file/) });
    expect(stored()).toEqual([]);
  });

  it('refuses a file larger than TERN_MAX_UPLOAD_BYTES: before the download when announced, during it when not', async () => {
    const announced = await downloadPst(`${base}/exports/aspose-outlook.pst`, tern.env.TERN_DATA_DIR, 1_000_000).catch((e: unknown) => e);
    expect(announced).toMatchObject({ code: 'BAD_UPLOAD', userMessage: `aspose-outlook.pst is ${PST.length} bytes, more than the 1000000 bytes allowed (TERN_MAX_UPLOAD_BYTES).` });
    const streamed = await downloadPst(`${base}/chunked.pst`, tern.env.TERN_DATA_DIR, 1_000_000).catch((e: unknown) => e);
    expect(streamed).toMatchObject({ code: 'BAD_UPLOAD', userMessage: 'chunked.pst is larger than the 1000000 bytes allowed (TERN_MAX_UPLOAD_BYTES).' });
    expect(stored()).toEqual([]);
  });

  it('names the server when a link is wrong', async () => {
    const err = await downloadPst(`${base}/missing.pst`, tern.env.TERN_DATA_DIR, 1e9).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_UPLOAD', userMessage: expect.stringMatching(/^127\.0\.0\.1:\d+ answered HTTP 404 for missing\.pst/) });
  });
});
