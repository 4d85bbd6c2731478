// Collects an SSH server's host key as a known_hosts line, as flux's ScanHostKey does for
// `create secret git` and `bootstrap git`: the SSH transport handshake up to the server's key
// exchange reply, which carries its public host key (nothing is authenticated or encrypted).
// No ssh binary is involved.
import { createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { FlotillaError } from '../../core/index.js';

/** Go's x/crypto/ssh preference for host key algorithms (what flux's scan ends up with). */
const HOST_KEY_ALGOS = [
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-ed25519',
  'rsa-sha2-256',
  'rsa-sha2-512',
  'ssh-rsa',
];
const KEX_ALGOS = ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256'];
const CIPHERS = [
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
];
const MACS = [
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-sha2-256',
  'hmac-sha2-512',
];

const MSG_KEXINIT = 20;
const MSG_KEX_ECDH_INIT = 30;
const MSG_KEX_ECDH_REPLY = 31;

function sshString(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function packet(payload: Buffer): Buffer {
  let padding = 8 - ((payload.length + 5) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + padding + 1);
  head.writeUInt8(padding, 4);
  return Buffer.concat([head, payload, randomBytes(padding)]);
}

/** Reads SSH strings and name-lists from a payload. */
class Reader {
  #pos = 0;
  constructor(private readonly buf: Buffer) {}
  byte(): number {
    return this.buf.readUInt8(this.#pos++);
  }
  skip(n: number): void {
    this.#pos += n;
  }
  string(): Buffer {
    const len = this.buf.readUInt32BE(this.#pos);
    const out = this.buf.subarray(this.#pos + 4, this.#pos + 4 + len);
    this.#pos += 4 + len;
    return out;
  }
  list(): string[] {
    const s = this.string().toString();
    return s === '' ? [] : s.split(',');
  }
}

/** The host part of a known_hosts line: `host`, or `[host]:port` for another port than 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Collects the packets of one connection, resolving each as it arrives. */
class PacketStream {
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #error: Error | undefined;
  #versionSeen = false;
  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    socket.on('error', (e) => {
      this.#error = e;
      this.#wake();
    });
    socket.on('close', () => {
      this.#error ??= new Error('connection closed by the server');
      this.#wake();
    });
  }
  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
  async #more(): Promise<void> {
    if (this.#error) throw this.#error;
    await new Promise<void>((r) => this.#waiters.push(r));
    // Read again after the wait: the socket's handlers may have set it meanwhile.
    const failure = this.#error as Error | undefined;
    if (failure && this.#buf.length === 0) throw failure;
  }
  /** The server's identification line (lines before it are skipped, as the RFC allows). */
  async version(): Promise<string> {
    for (;;) {
      const nl = this.#buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.#buf.subarray(0, nl).toString().replace(/\r$/, '');
        this.#buf = this.#buf.subarray(nl + 1);
        if (line.startsWith('SSH-')) {
          this.#versionSeen = true;
          return line;
        }
        continue;
      }
      if (this.#buf.length > 8192) throw new Error('no SSH identification line');
      await this.#more();
    }
  }
  async packet(): Promise<Buffer> {
    if (!this.#versionSeen) throw new Error('version not read');
    for (;;) {
      if (this.#buf.length >= 5) {
        const len = this.#buf.readUInt32BE(0);
        if (len > 256 * 1024) throw new Error(`packet too large (${len} bytes)`);
        if (this.#buf.length >= 4 + len) {
          const padding = this.#buf.readUInt8(4);
          const payload = this.#buf.subarray(5, 4 + len - padding);
          this.#buf = this.#buf.subarray(4 + len);
          return payload;
        }
      }
      await this.#more();
    }
  }
}

function kexInit(hostKeyAlgos: readonly string[]): Buffer {
  const lists = [KEX_ALGOS, hostKeyAlgos, CIPHERS, CIPHERS, MACS, MACS, ['none'], ['none'], [], []];
  return Buffer.concat([
    Buffer.from([MSG_KEXINIT]),
    randomBytes(16),
    ...lists.map((l) => sshString(l.join(','))),
    Buffer.from([0, 0, 0, 0, 0]),
  ]);
}

/** The client's ephemeral public key for the negotiated key exchange. */
function ephemeralKey(kex: string): Buffer {
  if (kex.startsWith('curve25519')) {
    const { publicKey } = generateKeyPairSync('x25519');
    const der = publicKey.export({ format: 'der', type: 'spki' });
    return der.subarray(der.length - 32);
  }
  const ecdh = createECDH('prime256v1');
  return ecdh.generateKeys();
}

async function handshake(socket: Socket): Promise<Buffer> {
  const stream = new PacketStream(socket);
  socket.write('SSH-2.0-flotilla_1.0\r\n');
  await stream.version();
  socket.write(packet(kexInit(HOST_KEY_ALGOS)));
  let serverKexInit: Buffer;
  for (;;) {
    serverKexInit = await stream.packet();
    if (serverKexInit[0] === MSG_KEXINIT) break;
  }
  const r = new Reader(serverKexInit);
  r.skip(17);
  const serverKex = r.list();
  const kex = KEX_ALGOS.find((k) => serverKex.includes(k));
  if (!kex)
    throw new Error(`no common key exchange algorithm (server offers ${serverKex.join(', ')})`);
  socket.write(
    packet(Buffer.concat([Buffer.from([MSG_KEX_ECDH_INIT]), sshString(ephemeralKey(kex))])),
  );
  for (;;) {
    const reply = await stream.packet();
    if (reply[0] !== MSG_KEX_ECDH_REPLY) continue;
    const rr = new Reader(reply);
    rr.skip(1);
    return Buffer.from(rr.string());
  }
}

export interface ScanHostKeyOptions {
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * The host key of the SSH server at `host:port` as a known_hosts line (`[host]:port type key`),
 * without a trailing line break.
 */
export async function scanHostKey(
  host: string,
  port = 22,
  options: ScanHostKeyOptions = {},
): Promise<string> {
  const address = `${host}:${port}`;
  const socket = connect({ host, port });
  const timeoutMs = options.timeoutMs ?? 30_000;
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const blob = await handshake(socket);
    const type = new Reader(blob).string().toString();
    return `${knownHostsName(host, port)} ${type} ${blob.toString('base64')}`;
  } catch (err) {
    throw new FlotillaError(
      `SSH key scan for host ${address} failed, error: ${err instanceof Error ? err.message : String(err)}`,
      { reason: 'SSHKeyScanFailed', category: 'Transient', cause: err },
    );
  } finally {
    socket.destroy();
  }
}
