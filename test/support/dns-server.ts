// A small authoritative DNS server on UDP 127.0.0.1 for tests, speaking the real wire format
// (dns-packet): Tern's resolver is pointed at it exactly as TERN_DNS_SERVERS would point it.
import dgram from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';

export type Rr =
  | { type: 'MX'; name: string; exchange: string; preference?: number }
  | { type: 'SRV'; name: string; target: string; port: number; priority?: number; weight?: number }
  | { type: 'A'; name: string; address: string }
  | { type: 'TXT'; name: string; text: string };

export interface TestDns {
  /** "127.0.0.1:PORT", for Resolver.setServers / TERN_DNS_SERVERS. */
  address: string;
  add(...records: Rr[]): void;
  /** Answers every question `ms` late (a slow resolver). */
  slow(ms: number): void;
  /** Every question asked, as "TYPE name". */
  questions: string[];
  close(): Promise<void>;
}

export async function startDns(): Promise<TestDns> {
  const records: Rr[] = [];
  const questions: string[] = [];
  let delayMs = 0;
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    let query: ReturnType<typeof dnsPacket.decode>;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (!q) return;
    questions.push(`${q.type} ${q.name}`);
    const name = q.name.toLowerCase();
    const answers: Answer[] = records
      .filter((r) => r.type === q.type && r.name.toLowerCase() === name)
      .map((r): Answer => {
        if (r.type === 'MX') return { type: 'MX', name: r.name, ttl: 60, data: { preference: r.preference ?? 10, exchange: r.exchange } };
        if (r.type === 'SRV') return { type: 'SRV', name: r.name, ttl: 60, data: { priority: r.priority ?? 0, weight: r.weight ?? 0, port: r.port, target: r.target } };
        if (r.type === 'TXT') return { type: 'TXT', name: r.name, ttl: 60, data: r.text };
        return { type: 'A', name: r.name, ttl: 60, data: r.address };
      });
    const known = records.some((r) => r.name.toLowerCase() === name);
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      // Authoritative answer; NXDOMAIN (rcode 3) for names this zone does not have.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (known || answers.length ? 0 : 3),
      questions: query.questions,
      answers,
    });
    setTimeout(() => socket.send(response, rinfo.port, rinfo.address), delayMs);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    add: (...rs) => records.push(...rs),
    slow: (ms) => (delayMs = ms),
    questions,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
