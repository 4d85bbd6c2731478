// Parses raw Git commit and tag objects into fields, the signed payload and the signature.

/** A parsed commit or tag with what signature verification needs. */
export interface ParsedObject {
  /** The bytes that were signed (object without its signature). */
  readonly payload: Buffer;
  /** The armored signature (PGP or SSH), if any. */
  readonly signature?: string;
  readonly message: string;
  /** Committer (commit) or tagger (tag) time, seconds since the epoch. */
  readonly committerTime: number;
  /** The tagged object id (tags only). */
  readonly object?: string;
  /** The tag name (tags only). */
  readonly tag?: string;
}

function timeOf(line: string | undefined): number {
  const m = / (\d+) [+-]\d{4}$/.exec(line ?? '');
  return m ? Number(m[1]) : 0;
}

/** Parses a commit object; the `gpgsig` header (with continuation lines) is the signature. */
export function parseCommit(raw: Buffer): ParsedObject {
  const text = raw.toString('utf8');
  const headerEnd = text.indexOf('\n\n');
  const headers = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const message = headerEnd < 0 ? '' : text.slice(headerEnd + 2);
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  let committer: string | undefined;
  for (const line of headers.split('\n')) {
    if (inSig && line.startsWith(' ')) {
      sig.push(line.slice(1));
      continue;
    }
    inSig = false;
    if (line.startsWith('gpgsig ') && sig.length === 0) {
      inSig = true;
      sig.push(line.slice('gpgsig '.length));
      continue;
    }
    if (line.startsWith('gpgsig-sha256 ')) {
      inSig = true;
      continue;
    }
    if (line.startsWith('committer ')) committer = line;
    kept.push(line);
  }
  const payload = Buffer.from(kept.join('\n') + (headerEnd < 0 ? '' : '\n\n' + message), 'utf8');
  const base = { payload, message, committerTime: timeOf(committer) };
  return sig.length > 0 ? { ...base, signature: sig.join('\n') + '\n' } : base;
}

const SIG_MARKERS = [
  '-----BEGIN PGP SIGNATURE-----',
  '-----BEGIN SSH SIGNATURE-----',
  '-----BEGIN SIGNED MESSAGE-----',
];

/** Parses an annotated tag object; a signature is appended to its message. */
export function parseTag(raw: Buffer): ParsedObject {
  const text = raw.toString('utf8');
  const headerEnd = text.indexOf('\n\n');
  const headers = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const body = headerEnd < 0 ? '' : text.slice(headerEnd + 2);
  let sigAt = -1;
  for (const m of SIG_MARKERS) {
    const i = body.lastIndexOf(m);
    if (i >= 0 && (i === 0 || body[i - 1] === '\n') && i > sigAt) sigAt = i;
  }
  const h = new Map<string, string>();
  for (const line of headers.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && !h.has(line.slice(0, sp))) h.set(line.slice(0, sp), line.slice(sp + 1));
  }
  const payloadText = sigAt < 0 ? text : text.slice(0, headerEnd + 2 + sigAt);
  const base = {
    payload: Buffer.from(payloadText, 'utf8'),
    message: sigAt < 0 ? body : body.slice(0, sigAt),
    committerTime: timeOf(`tagger ${h.get('tagger') ?? ''}`),
    object: h.get('object') ?? '',
    tag: h.get('tag') ?? '',
  };
  return sigAt < 0 ? base : { ...base, signature: body.slice(sigAt) };
}
