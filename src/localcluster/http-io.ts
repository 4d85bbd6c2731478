// Request bodies in, JSON responses and metav1.Status errors out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { errorMessage, exceedsNestingDepth, MAX_NESTING_DEPTH } from '../core/index.js';
import { ApiError, badRequest, unsupportedMediaType } from './status-errors.js';
import { isPlainObject } from './object-meta.js';
import { decodeProtobuf } from './protobuf.js';
import { toJson } from './json-cache.js';

/** Largest body accepted, like kube-apiserver's 3 MiB request limit (plus room for YAML). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Deepest nesting of objects and arrays a body may have (see core's MAX_NESTING_DEPTH). */
export { MAX_NESTING_DEPTH };

/** The whole request body (events rather than an async iterator: this is on every write's path). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done();
        req.resume(); // the rest is read and dropped, so that the answer can still be sent
        reject(
          new ApiError(
            413,
            'RequestEntityTooLarge',
            `Request entity too large: limit is ${MAX_BODY_BYTES}`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    // a client gone before the end of its body: nothing to answer, but nothing may hang either
    const onClose = (): void => onError(new Error('the client closed the request before its end'));
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The first character that is not white space ('' for a blank text), without copying the text. */
function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c.trim() !== '') return c;
  }
  return '';
}

function tooDeep(format: string): ApiError {
  return badRequest(
    `error decoding ${format}: exceeded max depth of ${MAX_NESTING_DEPTH} nested objects and arrays`,
  );
}

/**
 * Whether JSON text nests objects and arrays deeper than `max` (brackets inside strings do not
 * count). A text shorter than `max` cannot, so ordinary bodies are not scanned.
 */
function jsonTextTooDeep(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** A 400 for JSON or YAML text nested deeper than MAX_NESTING_DEPTH (for decoders of their own). */
export function rejectTooDeep(text: string, format: 'JSON' | 'YAML'): void {
  if (jsonTextTooDeep(text, MAX_NESTING_DEPTH)) throw tooDeep(format);
}

/** The same for a decoded value (YAML nests by indentation too). */
export function rejectTooDeepValue(value: unknown, format: 'JSON' | 'YAML'): void {
  if (exceedsNestingDepth(value)) throw tooDeep(format);
}

function parseJson(text: string, onError: (err: unknown) => ApiError): unknown {
  if (jsonTextTooDeep(text, MAX_NESTING_DEPTH)) throw tooDeep('JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw onError(err);
  }
}

/** Decodes a JSON or YAML body (by Content-Type) into a JSON value. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  if (mt === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(body);
  const text = body.toString('utf8');
  const first = firstNonSpace(text);
  if (first === '') return undefined;
  if (
    mt === 'application/yaml' ||
    mt === 'application/apply-patch+yaml' ||
    mt === 'application/x-yaml' ||
    mt === 'text/yaml'
  ) {
    // kubectl and most clients send apply configurations as JSON, a subset of YAML: parse that fast
    if (first === '{') {
      if (jsonTextTooDeep(text, MAX_NESTING_DEPTH)) throw tooDeep('YAML');
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // not JSON after all: the YAML parser below reports the problem
      }
    }
    let value: unknown;
    try {
      value = parseYaml(text, { strict: true, uniqueKeys: true, prettyErrors: false }) as unknown;
    } catch (err) {
      throw badRequest(`error decoding YAML: ${errorMessage(err)}`);
    }
    if (exceedsNestingDepth(value)) throw tooDeep('YAML');
    return value;
  }
  if (mt === '' || mt.startsWith('application/json') || mt.endsWith('+json')) {
    return parseJson(text, (err) =>
      badRequest(`couldn't get version/kind; json parse error: ${errorMessage(err)}`),
    );
  }
  throw unsupportedMediaType(mt);
}

/** Decodes a body that must be a JSON object. */
export function decodeObject(
  body: Buffer,
  contentType: string | undefined,
): Record<string, unknown> {
  const v = decodeBody(body, contentType);
  if (!isPlainObject(v)) throw badRequest("Object 'Kind' is missing in 'null'");
  return v;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  sendJsonText(res, status, toJson(body), headers);
}

/** Sends JSON text that is already serialised. */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  err: ApiError,
  headers: Record<string, string | string[]> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.code, err.toStatus(), headers);
}

/**
 * Warning headers as kube-apiserver sends them: `299 - "text"`. A header holds visible ASCII only
 * (Node refuses anything else, and a warning may quote a field name from the request), so other
 * characters are sent as \u escapes.
 */
export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  if (warnings.length === 0) return {};
  const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return {
    Warning: warnings.map((w) => `299 - ${JSON.stringify(w).replace(/[^\x20-\x7e]/g, escape)}`),
  };
}
