// PEM blocks as Go's encoding/pem.Decode finds them: type, headers skipped, body bytes and the rest after the block.
import { goBase64Decode } from './go-base64.js';

export interface PemBlock {
  readonly type: string;
  readonly bytes: Buffer;
}

const BEGIN = '-----BEGIN ';
const END = '\n-----END ';
const DASHES = '-----';

/**
 * The first PEM block in data and the text after it, or undefined when there is none (Go
 * returns rest = data then). Blocks with a malformed body are skipped as Go does.
 */
export function pemDecode(data: string): { block: PemBlock; rest: string } | undefined {
  let rest = data;
  for (;;) {
    const start = rest.startsWith(BEGIN) ? 0 : rest.indexOf(`\n${BEGIN}`);
    if (start < 0) return undefined;
    const after = rest.slice(start === 0 ? BEGIN.length : start + 1 + BEGIN.length);
    const nl = after.indexOf('\n');
    const typeLine = (nl < 0 ? after : after.slice(0, nl)).replace(/[ \t\r]+$/, '');
    if (!typeLine.endsWith(DASHES)) {
      rest = after;
      continue;
    }
    const type = typeLine.slice(0, -DASHES.length);
    let body = nl < 0 ? '' : after.slice(nl + 1);
    // Skip RFC 1421 headers ("Key: value" lines up to a blank line).
    if (/^[^\n:]+:/.test(body)) {
      const blank = body.indexOf('\n\n');
      if (blank >= 0) body = body.slice(blank + 2);
    }
    const endIdx = body.startsWith(END.slice(1)) ? 0 : body.indexOf(END);
    if (endIdx < 0) {
      rest = after;
      continue;
    }
    const b64 = body.slice(0, endIdx);
    const trailer = body.slice(endIdx === 0 ? END.length - 1 : endIdx + END.length);
    const trailerLineEnd = trailer.indexOf('\n');
    const endLine = (trailerLineEnd < 0 ? trailer : trailer.slice(0, trailerLineEnd)).replace(
      /[ \t\r]+$/,
      '',
    );
    if (endLine !== `${type}${DASHES}`) {
      rest = after;
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = goBase64Decode(b64.replace(/[ \t]/g, ''));
    } catch {
      rest = after;
      continue;
    }
    return {
      block: { type, bytes },
      rest: trailerLineEnd < 0 ? '' : trailer.slice(trailerLineEnd + 1),
    };
  }
}

/** Go's pem.EncodeToMemory. */
export function pemEncode(type: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}-----END ${type}-----\n`;
}
