// Runs the system `git` binary with a locked-down environment, a timeout and redacted errors.
import { spawn } from 'node:child_process';
import { ErrorCategory, FlotillaError } from '../../core/index.js';

export interface RunGitOptions {
  /** Working directory of the git process. @default process.cwd() */
  readonly cwd?: string;
  /** Extra environment (credentials, GIT_SSH_COMMAND, GIT_DIR ...), merged over the safe base. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the whole process group after this many milliseconds. @default 60000 */
  readonly timeoutMs?: number;
  /** Bytes written to git's stdin. */
  readonly input?: string | Buffer;
  /** Strings that must never appear in an error message (tokens, passwords). */
  readonly secrets?: readonly string[];
  /** Exit codes that are not failures (e.g. 1 for `merge-base --is-ancestor`). @default [0] */
  readonly okCodes?: readonly number[];
  /**
   * Called once git has been started, to start other work without delaying it (starting a
   * process blocks this thread for a moment).
   */
  readonly onSpawn?: () => void;
}

export interface RunGitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stdoutBuffer: Buffer;
  readonly stderr: string;
}

/** Variables that must never leak from the controller's own environment into git. */
const DROPPED_ENV = /^(GIT_|SSH_ASKPASS|SSH_AUTH_SOCK$|HOME$|XDG_CONFIG_HOME$)/;

/** The environment every git process starts from: no prompts, no system or user config. */
export function baseGitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !DROPPED_ENV.test(k)) env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_CONFIG_NOSYSTEM = '1';
  // No ~/.gitconfig, no credential helpers or url rewrites from whoever runs the controller.
  env.GIT_CONFIG_GLOBAL = '/dev/null';
  env.HOME = '/nonexistent';
  env.GIT_SSH_COMMAND = 'ssh -F /dev/null -o BatchMode=yes';
  env.LC_ALL = 'C';
  return env;
}

/** Removes userinfo from URLs and every given secret from a text. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]+@/gi, '$1***@');
  for (const s of secrets) {
    if (s.length >= 3) out = out.split(s).join('***');
  }
  return out;
}

/**
 * Runs git and resolves with its output; rejects with a FlotillaError (reason
 * GitOperationFailed, category Transient) on a non-zero exit or timeout.
 */
export function runGit(
  args: readonly string[],
  options: RunGitOptions = {},
): Promise<RunGitResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const okCodes = options.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...baseGitEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout also kills git-remote-http, ssh and upload-pack helpers.
      detached: true,
    });
    options.onSpawn?.();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new FlotillaError(`cannot run git: ${e.message}`, {
          reason: 'GitOperationFailed',
          category: ErrorCategory.Terminal,
          cause: e,
        }),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBuffer = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      const verb = subcommand(args);
      if (timedOut) {
        reject(
          new FlotillaError(`git ${verb} timed out after ${timeoutMs}ms`, {
            reason: 'GitOperationFailed',
            category: ErrorCategory.Transient,
          }),
        );
        return;
      }
      const exit = code ?? -1;
      if (!okCodes.includes(exit)) {
        let detail = summariseStderr(redact(stderr, options.secrets));
        if (
          /could not read (Username|Password)|Authentication failed|HTTP 40[13]|Permission denied \(publickey/.test(
            detail,
          )
        )
          detail = `authentication required: ${detail}`;
        reject(
          new GitCommandError(
            `git ${verb} failed (exit ${exit}): ${detail || 'no output'}`,
            {
              reason: 'GitOperationFailed',
              category: ErrorCategory.Transient,
            },
            redact(stderr, options.secrets),
          ),
        );
        return;
      }
      resolve({ code: exit, stdout: stdoutBuffer.toString('utf8'), stdoutBuffer, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Global options of git that take a separate value argument. */
const VALUE_OPTIONS = new Set(['--git-dir', '--work-tree', '-c', '-C', '--namespace']);

/** The git subcommand of an argument list, for messages (`fetch`, `ls-remote` ...). */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return 'git';
}

/** Lines git and ssh print that say nothing about the cause. */
const NOISE = [
  /^Please make sure you have the correct access rights$/,
  /^and the repository exists\.$/,
  /^fatal: Could not read from remote repository\.$/,
  /^Could not create directory '.*\.ssh'/,
  /^Failed to add the host to the list of known hosts/,
  /^Warning: Permanently added/,
  /^hint: /,
  /^error: unable to read askpass response/,
];

/** The informative lines of git's stderr, joined for a one-line message. */
export function summariseStderr(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.some((re) => re.test(l)));
  return lines.slice(0, 3).join('; ');
}

/** A failed git command, with its redacted stderr for classification (auth, not found ...). */
export class GitCommandError extends FlotillaError {
  readonly stderr: string;
  constructor(
    message: string,
    options: ConstructorParameters<typeof FlotillaError>[1],
    stderr: string,
  ) {
    super(message, options);
    this.name = 'GitCommandError';
    this.stderr = stderr;
  }
}
