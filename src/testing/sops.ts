// Encrypting test fixtures with the real `sops` (the oracle): age identities made in the test and
// an OpenPGP key in a throwaway GnuPG home, so nothing depends on keys committed to the repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { oracle } from './oracles.js';

export interface AgeKey {
  /** The `AGE-SECRET-KEY-1…` line, what a `*.agekey` Secret entry holds. */
  readonly identity: string;
  readonly recipient: string;
}

/** A fresh age key pair. */
export async function newAgeKey(): Promise<AgeKey> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** Whether the machine's gpg can be used (sops encrypts for PGP keys through it). */
export function gpgAvailable(): boolean {
  return spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PgpHome {
  readonly home: string;
  readonly fingerprint: string;
  /** The armored private key, what a `*.asc` Secret entry holds. */
  readonly armoredPrivateKey: string;
  readonly close: () => void;
}

/** A GnuPG home holding one fresh passphrase-less key (ed25519 signing, cv25519 encryption). */
export function newPgpHome(uid = 'Flotilla Test <test@flotilla.invalid>'): PgpHome {
  const home = mkdtempSync(join(tmpdir(), 'flotilla-gpg-'));
  const gpg = (args: string[]) =>
    execFileSync('gpg', ['--batch', '--homedir', home, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  gpg(['--passphrase', '', '--quick-gen-key', uid, 'future-default', 'default', 'never']);
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg(['--with-colons', '--list-secret-keys']));
  if (!fpr?.[1]) throw new Error('gpg made no key');
  const fingerprint = fpr[1];
  const armoredPrivateKey = gpg([
    '--pinentry-mode',
    'loopback',
    '--passphrase',
    '',
    '--armor',
    '--export-secret-keys',
    fingerprint,
  ]);
  return {
    home,
    fingerprint,
    armoredPrivateKey,
    close: () => rmSync(home, { recursive: true, force: true }),
  };
}

export interface SopsEncryptOptions {
  readonly age?: readonly string[];
  readonly pgp?: readonly string[];
  /** GNUPGHOME for PGP recipients. */
  readonly gnupgHome?: string;
  readonly inputType?: string;
  readonly outputType?: string;
  /** Extra flags: `--encrypted-regex`, `--unencrypted-suffix`, `--shamir-secret-sharing-threshold`… */
  readonly flags?: readonly string[];
  /** A `.sops.yaml` creation rules text (for key groups). When set, age/pgp are not passed. */
  readonly config?: string;
}

function sopsEnv(gnupgHome: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir() };
  if (gnupgHome) env['GNUPGHOME'] = gnupgHome;
  return env;
}

/** `sops encrypt` of a plaintext given as text, named `name` (the name decides the format). */
export function sopsEncrypt(
  plaintext: string | Uint8Array,
  name: string,
  options: SopsEncryptOptions,
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-sops-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, plaintext);
    const args: string[] = [];
    if (options.config !== undefined) {
      writeFileSync(join(dir, '.sops.yaml'), options.config);
      args.push('--config', join(dir, '.sops.yaml'), 'encrypt');
    } else {
      args.push('encrypt');
      if (options.age?.length) args.push('--age', options.age.join(','));
      if (options.pgp?.length) args.push('--pgp', options.pgp.join(','));
    }
    if (options.inputType) args.push('--input-type', options.inputType);
    if (options.outputType) args.push('--output-type', options.outputType);
    args.push(...(options.flags ?? []), file);
    return execFileSync(oracle('sops'), args, {
      cwd: dir,
      env: sopsEnv(options.gnupgHome),
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `sops decrypt` with an age key file and/or a GnuPG home: the reference plaintext. */
export function sopsDecrypt(
  encrypted: Uint8Array,
  name: string,
  options: {
    readonly ageIdentities?: readonly string[];
    readonly gnupgHome?: string;
    readonly inputType?: string;
    readonly outputType?: string;
  },
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-sops-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, encrypted);
    const env = sopsEnv(options.gnupgHome);
    if (options.ageIdentities?.length) {
      const keys = join(dir, 'keys.txt');
      writeFileSync(keys, options.ageIdentities.join('\n') + '\n');
      env['SOPS_AGE_KEY_FILE'] = keys;
    }
    const args = ['decrypt'];
    if (options.inputType) args.push('--input-type', options.inputType);
    if (options.outputType) args.push('--output-type', options.outputType);
    args.push(file);
    return execFileSync(oracle('sops'), args, {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
