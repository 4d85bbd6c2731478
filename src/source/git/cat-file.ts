// A long-running `git cat-file --batch` on a mirror: many object reads for one process start.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import { baseGitEnv } from './run-git.js';

/** One object read from a repository. */
export interface GitObject {
  /** `commit`, `tag`, `tree` or `blob`. */
  readonly type: string;
  readonly body: Buffer;
}

interface Pending {
  readonly oids: readonly string[];
  readonly found: (GitObject | undefined)[];
  readonly resolve: (objects: (GitObject | undefined)[]) => void;
  readonly reject: (e: Error) => void;
}

const OID = /^[0-9a-f]{4,64}$/i;

/**
 * Reads objects through one `git cat-file --batch` process, request after request (git flushes
 * after every object, so each read completes without closing stdin). Starting a process costs
 * milliseconds, more in a large parent process (fork); a reconcile that reads a commit, walks
 * its parents and lists its trees pays for one. Close it when done.
 */
export class CatFile {
  readonly gitDir: string;
  #proc: ChildProcessWithoutNullStreams | undefined;
  readonly #queue: Pending[] = [];
  #buf: Buffer = Buffer.alloc(0);
  /** Chunks received while the current object is incomplete, and the bytes it needs. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  #need = 0;
  #failed: Error | undefined;
  #closed = false;

  /** The process starts with `start()` or the first read. */
  constructor(gitDir: string) {
    this.gitDir = gitDir;
  }

  /**
   * Starts the process (once); the repository need not hold the objects yet: objects fetched
   * later are found.
   */
  start(): this {
    if (this.#proc || this.#closed) return this;
    const proc = spawn('git', ['--git-dir', this.gitDir, 'cat-file', '--batch'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: baseGitEnv(),
    });
    this.#proc = proc;
    let stderr = '';
    proc.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 4096) stderr += b.toString('utf8');
    });
    proc.stdin.on('error', () => undefined);
    proc.on('error', (e) => this.#fail(e));
    proc.stdout.on('data', (b: Buffer) => this.#onData(b));
    proc.on('close', (code) =>
      this.#fail(
        new FlotillaError(
          `git cat-file exited (${code ?? 'signal'})${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`,
          { reason: 'GitOperationFailed', category: ErrorCategory.Transient },
        ),
      ),
    );
    return this;
  }

  /** Reads objects in order; an object the repository does not hold reads as undefined. */
  read(oids: readonly string[]): Promise<(GitObject | undefined)[]> {
    if (this.#closed) return Promise.reject(new Error('git cat-file was closed'));
    const proc = this.start().#proc as ChildProcessWithoutNullStreams;
    if (this.#failed) return Promise.reject(this.#failed);
    const bad = oids.find((o) => !OID.test(o));
    if (bad !== undefined) return Promise.reject(new Error(`invalid object id '${bad}'`));
    if (oids.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ oids, found: [], resolve, reject });
      proc.stdin.write(`${oids.join('\n')}\n`);
    });
  }

  /** Ends the process (pending reads fail). */
  close(): void {
    this.#closed = true;
    const proc = this.#proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill();
  }
  #fail(e: Error): void {
    this.#failed ??= e;
    for (const p of this.#queue.splice(0)) p.reject(this.#failed);
  }

  #onData(chunk: Buffer): void {
    // A large object arrives in many chunks: join them once, when it is complete.
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    if (this.#buf.length + this.#heldBytes < this.#need) return;
    this.#buf = Buffer.concat([this.#buf, ...this.#held]);
    this.#held = [];
    this.#heldBytes = 0;
    this.#need = 0;
    for (;;) {
      const p = this.#queue[0];
      if (!p) return;
      const nl = this.#buf.indexOf(10);
      if (nl < 0) return;
      // `<oid> <type> <size>` then the body and a newline, or `<oid> missing`.
      const head = this.#buf.toString('latin1', 0, nl).split(' ');
      if (head[1] === 'missing' || head.length !== 3) {
        p.found.push(undefined);
        this.#buf = this.#buf.subarray(nl + 1);
      } else {
        const size = Number(head[2]);
        if (this.#buf.length < nl + 1 + size + 1) {
          this.#need = nl + 1 + size + 1;
          return;
        }
        p.found.push({ type: head[1] ?? '', body: this.#buf.subarray(nl + 1, nl + 1 + size) });
        this.#buf = this.#buf.subarray(nl + 1 + size + 1);
      }
      if (p.found.length === p.oids.length) {
        this.#queue.shift();
        p.resolve(p.found);
      }
    }
  }
}
