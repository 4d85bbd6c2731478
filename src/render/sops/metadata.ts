// The `sops` metadata of an encrypted file: extracted from the document (nested, or flattened into
// `sops_*` keys for dotenv and INI), decoded with mapstructure's weak typing as sops does, and
// checked the way sops checks it.
import { Branch, toPlain, type TreeItem, type TreeValue } from './tree.js';
import { parseGoBool, parseRfc3339 } from './go-values.js';

/** Which values a file encrypts (at most one rule is set; none means `_unencrypted` suffix). */
export interface EncryptionRules {
  readonly unencryptedSuffix?: string;
  readonly encryptedSuffix?: string;
  readonly unencryptedRegex?: string;
  readonly encryptedRegex?: string;
  readonly unencryptedCommentRegex?: string;
  readonly encryptedCommentRegex?: string;
  readonly macOnlyEncrypted: boolean;
}

/** The kinds of master key SOPS knows; only age and pgp can be used by Flotilla. */
export type MasterKeyType = 'age' | 'pgp' | 'kms' | 'gcp_kms' | 'hckms' | 'azure_kv' | 'hc_vault';

export interface MasterKey {
  readonly type: MasterKeyType;
  /** What names the key: an age recipient, a PGP fingerprint, a KMS ARN, a Vault URL… */
  readonly id: string;
  /** The data key (or its Shamir part), encrypted for this key. */
  readonly enc: string;
}

export interface SopsMetadata extends EncryptionRules {
  /** lastmodified as time.RFC3339 prints it: the additional data of the MAC. */
  readonly lastModified: string;
  readonly mac: string;
  readonly version: string;
  readonly keyGroups: readonly (readonly MasterKey[])[];
  readonly shamirThreshold: number;
}

/** Malformed or missing metadata. */
export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataError';
  }
}

/** How a store keeps the metadata (stores.MetadataFlatten). */
export const MetadataLayout = {
  /** A nested `sops` mapping (YAML, JSON, binary). */
  Nested: 'nested',
  /** A top-level `sops` section whose keys are flattened (INI). */
  FlattenedBelowTop: 'below-top',
  /** Top-level `sops_`-prefixed keys (dotenv). */
  Flattened: 'flattened',
} as const;
export type MetadataLayout = (typeof MetadataLayout)[keyof typeof MetadataLayout];

const MAP_SEPARATOR = '__map_';
const LIST_SEPARATOR = '__list_';

type Token = { readonly map: string } | { readonly list: number };

function tokenize(path: string): Token[] {
  const tokens: Token[] = [];
  let state: 'normal' | 'map' | 'list' = 'normal';
  let last = 0;
  let i = 0;
  const finish = () => {
    if (state === 'list')
      tokens.push({ list: Number.parseInt(path.slice(last + LIST_SEPARATOR.length, i), 10) || 0 });
    else tokens.push({ map: path.slice(state === 'map' ? last + MAP_SEPARATOR.length : last, i) });
    last = i;
  };
  while (i < path.length) {
    if (path.startsWith(MAP_SEPARATOR, i)) {
      finish();
      state = 'map';
      i += MAP_SEPARATOR.length;
    } else if (path.startsWith(LIST_SEPARATOR, i)) {
      finish();
      state = 'list';
      i += LIST_SEPARATOR.length;
    } else {
      i++;
    }
  }
  finish();
  return tokens;
}

interface FlatNode {
  value?: { v: TreeValue };
  keys?: Map<string, FlatNode>;
  indices?: Map<number, FlatNode>;
}

function convertFlat(node: FlatNode): TreeValue {
  const kinds = [node.value, node.keys?.size, node.indices?.size].filter((x) => x).length;
  if (kinds > 1) throw new MetadataError('error while unflattening metadata: type mismatch');
  if (node.value) return node.value.v;
  if (node.keys?.size) {
    const keys = [...node.keys.keys()].sort();
    return new Branch(keys.map((k) => ({ key: k, value: convertFlat(node.keys!.get(k)!) })));
  }
  if (node.indices?.size) {
    const max = Math.max(...node.indices.keys());
    if (Math.min(...node.indices.keys()) !== 0 || max + 1 !== node.indices.size)
      throw new MetadataError('error while unflattening metadata: incomplete list');
    return Array.from({ length: max + 1 }, (_, k) => convertFlat(node.indices!.get(k)!));
  }
  return new Branch();
}

/** stores.unflattenTreeBranch: `age__list_0__map_enc` keys back into nested metadata. */
function unflatten(items: readonly TreeItem[]): Branch {
  const root: FlatNode = {};
  for (const item of items) {
    if (typeof item.key !== 'string') continue;
    let node = root;
    for (const t of tokenize(item.key)) {
      if ('map' in t) {
        node.keys ??= new Map();
        node = node.keys.get(t.map) ?? node.keys.set(t.map, {}).get(t.map)!;
      } else {
        node.indices ??= new Map();
        node = node.indices.get(t.list) ?? node.indices.set(t.list, {}).get(t.list)!;
      }
    }
    if (node.value)
      throw new MetadataError(`error while unflattening '${item.key}': duplicate value`);
    node.value = { v: item.value };
  }
  const out = convertFlat(root);
  if (!(out instanceof Branch)) throw new MetadataError('internal error: cannot find root');
  return out;
}

/**
 * Removes the metadata from the branches (stores.ExtractMetadata) and returns it decoded. The
 * first branch's `sops` entry is the metadata; every other document's copy is dropped.
 */
export function extractMetadata(branches: Branch[], layout: MetadataLayout): SopsMetadata {
  let meta: Branch | undefined;
  if (layout === MetadataLayout.Flattened) {
    const first = branches[0];
    if (first) {
      const items: TreeItem[] = [];
      first.items = first.items.filter((item) => {
        if (typeof item.key === 'string' && item.key.startsWith('sops_')) {
          items.push({ key: item.key.slice(5), value: item.value });
          return false;
        }
        return true;
      });
      if (items.length > 0) meta = unflatten(items);
    }
  } else {
    let seen = false;
    branches.forEach((branch, bi) => {
      branch.items = branch.items.filter((item) => {
        if (item.key !== 'sops') return true;
        if (bi === 0) {
          if (seen) throw new MetadataError('found duplicate sops entry');
          seen = true;
          if (!(item.value instanceof Branch))
            throw new MetadataError('found sops entry that is not a mapping');
          meta = item.value;
        }
        return false;
      });
    });
    if (meta && layout === MetadataLayout.FlattenedBelowTop) {
      meta = unflatten(
        meta.items.map((item) => ({
          key: item.key,
          value: typeof item.value === 'string' ? item.value.replaceAll('\\n', '\n') : item.value,
        })),
      );
    }
  }
  if (!meta) throw new MetadataError('sops metadata not found');
  return decodeMetadata(toPlain(meta) as Record<string, unknown>);
}

function str(m: Record<string, unknown>, key: string): string {
  const v = m[key];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new MetadataError(`'${key}' expected a string, got a ${Array.isArray(v) ? 'list' : 'map'}`);
}

function bool(m: Record<string, unknown>, key: string): boolean {
  const v = m[key];
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint' || typeof v === 'number') return v !== 0 && v !== 0n;
  if (typeof v === 'string') {
    if (v === '') return false;
    const b = parseGoBool(v);
    if (b === undefined) throw new MetadataError(`cannot parse '${key}' as bool`);
    return b;
  }
  throw new MetadataError(`'${key}' expected a bool`);
}

function int(m: Record<string, unknown>, key: string): number {
  const v = m[key];
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v === 'bigint' || typeof v === 'number') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number(v);
  throw new MetadataError(`cannot parse '${key}' as int`);
}

function list(m: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = m[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MetadataError(`'${key}' expected a list`);
  return v.map((x) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x))
      throw new MetadataError(`'${key}' expected a list of maps`);
    return x as Record<string, unknown>;
  });
}

function createdAt(m: Record<string, unknown>, where: string): void {
  if (parseRfc3339(str(m, 'created_at')) === undefined)
    throw new MetadataError(`${where}: created_at is not an RFC 3339 time`);
}

/** stores.internalGroupFrom: a group's keys in sops' order (KMS kinds, then PGP, then age). */
function keyGroup(m: Record<string, unknown>): MasterKey[] {
  const keys: MasterKey[] = [];
  const add = (type: MasterKeyType, field: string, id: (k: Record<string, unknown>) => string) => {
    for (const k of list(m, type)) {
      if (type !== 'age') createdAt(k, `${type} key`);
      keys.push({ type, id: id(k), enc: str(k, field) });
    }
  };
  add('kms', 'enc', (k) => str(k, 'arn'));
  add('gcp_kms', 'enc', (k) => str(k, 'resource_id'));
  add('hckms', 'enc', (k) => str(k, 'key_id'));
  add(
    'azure_kv',
    'enc',
    (k) => `${str(k, 'vault_url')}/keys/${str(k, 'name')}/${str(k, 'version')}`,
  );
  add(
    'hc_vault',
    'enc',
    (k) => `${str(k, 'vault_address')}/v1/${str(k, 'engine_path')}/keys/${str(k, 'key_name')}`,
  );
  add('pgp', 'enc', (k) => str(k, 'fp'));
  add('age', 'enc', (k) => str(k, 'recipient'));
  return keys;
}

const KEY_TYPES: readonly MasterKeyType[] = [
  'pgp',
  'kms',
  'gcp_kms',
  'hckms',
  'azure_kv',
  'hc_vault',
  'age',
];

/** metadata.ToInternal. */
export function decodeMetadata(m: Record<string, unknown>): SopsMetadata {
  const lastModified = parseRfc3339(str(m, 'lastmodified'));
  if (lastModified === undefined) throw new MetadataError('lastmodified is not an RFC 3339 time');
  let keyGroups: MasterKey[][];
  if (KEY_TYPES.some((t) => list(m, t).length > 0)) keyGroups = [keyGroup(m)];
  else if (list(m, 'key_groups').length > 0) keyGroups = list(m, 'key_groups').map(keyGroup);
  else throw new MetadataError('no keys found in file');
  const rules = {
    unencryptedSuffix: str(m, 'unencrypted_suffix'),
    encryptedSuffix: str(m, 'encrypted_suffix'),
    unencryptedRegex: str(m, 'unencrypted_regex'),
    encryptedRegex: str(m, 'encrypted_regex'),
    unencryptedCommentRegex: str(m, 'unencrypted_comment_regex'),
    encryptedCommentRegex: str(m, 'encrypted_comment_regex'),
  };
  const set = Object.values(rules).filter((v) => v !== '').length;
  if (set > 1)
    throw new MetadataError(
      'cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file',
    );
  if (set === 0) rules.unencryptedSuffix = '_unencrypted';
  return {
    ...Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== '')),
    macOnlyEncrypted: bool(m, 'mac_only_encrypted'),
    lastModified,
    mac: str(m, 'mac'),
    version: str(m, 'version'),
    keyGroups,
    shamirThreshold: int(m, 'shamir_threshold'),
  };
}
