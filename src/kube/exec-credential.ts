// Runs client-go exec credential plugins (ExecCredential v1/v1beta1) and caches their answer.
import { spawn } from 'node:child_process';
import { FlotillaError, setOwnValue } from '../core/index.js';
import type { ExecConfig } from './kubeconfig-file.js';

/** What a plugin returned. */
export interface ExecCredentialResult {
  readonly token: string | undefined;
  readonly clientCertificateData: string | undefined;
  readonly clientKeyData: string | undefined;
  /** From `status.expirationTimestamp`; undefined means valid until a 401. */
  readonly expiresAt: number | undefined;
}

/** `spec.cluster` of the ExecCredential handed to plugins that set provideClusterInfo. */
export interface ExecClusterInfo {
  readonly server: string;
  readonly 'tls-server-name'?: string;
  readonly 'insecure-skip-tls-verify'?: boolean;
  /** base64, as Go encodes []byte */
  readonly 'certificate-authority-data'?: string;
  readonly config?: unknown;
}

export interface ExecCredentialOptions {
  /** Kills a plugin that has not answered after this long. @default 60000 */
  readonly timeoutMs?: number;
  /** Whether stdin is a terminal a plugin may prompt on. @default process.stdin.isTTY */
  readonly stdinIsTerminal?: boolean;
  /** Base environment of the plugin. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * One plugin of one kubeconfig user. The credential is cached until its expirationTimestamp or
 * until `invalidate()` (after a 401); concurrent callers share one run of the plugin.
 */
export class ExecCredentialProvider {
  private cached: ExecCredentialResult | undefined;
  private running: Promise<ExecCredentialResult> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly config: ExecConfig,
    private readonly origin: {
      readonly user: string;
      readonly file: string;
      readonly field: string;
    },
    private readonly cluster: ExecClusterInfo | undefined,
    private readonly options: ExecCredentialOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async get(): Promise<ExecCredentialResult> {
    const c = this.cached;
    if (c && (c.expiresAt === undefined || this.now() < c.expiresAt)) return c;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    const result = await this.running;
    this.cached = result;
    return result;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async run(): Promise<ExecCredentialResult> {
    const cfg = this.config;
    const interactive =
      cfg.interactiveMode !== 'Never' &&
      (this.options.stdinIsTerminal ?? process.stdin.isTTY === true);
    if (cfg.interactiveMode === 'Always' && !interactive) {
      throw this.error(
        'its interactiveMode is Always but stdin is not a terminal',
        'Terminal',
        undefined,
      );
    }
    const input = {
      kind: 'ExecCredential',
      apiVersion: cfg.apiVersion,
      spec: {
        interactive,
        ...(cfg.provideClusterInfo && this.cluster ? { cluster: this.cluster } : {}),
      },
    };
    const env: NodeJS.ProcessEnv = { ...(this.options.env ?? process.env) };
    for (const e of cfg.env) setOwnValue(env, e.name, e.value);
    env['KUBERNETES_EXEC_INFO'] = JSON.stringify(input);
    const stdout = await this.spawn(env, interactive);
    return this.parse(stdout);
  }

  /** Runs the plugin; stdin is the terminal only when interactive, stderr is kept for errors. */
  private spawn(env: NodeJS.ProcessEnv, interactive: boolean): Promise<string> {
    const cfg = this.config;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    return new Promise<string>((resolve, reject) => {
      const child = spawn(cfg.command, [...cfg.args], {
        env,
        stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-4096);
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(this.error(`gave no answer within ${timeoutMs} ms`, 'RetryLater', undefined));
      }, timeoutMs);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const what =
          e.code === 'ENOENT'
            ? `was not found${cfg.installHint ? `: ${cfg.installHint}` : ''}`
            : `could not be started: ${e.message}`;
        reject(this.error(what, 'RetryLater', e));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) {
          resolve(Buffer.concat(out).toString('utf8'));
          return;
        }
        const stderr = err.trim().split('\n').slice(-3).join(' / ');
        const how = code === null ? `was killed by ${String(signal)}` : `exited with code ${code}`;
        reject(this.error(`${how}${stderr ? `: ${stderr}` : ''}`, 'RetryLater', undefined));
      });
    });
  }

  private parse(stdout: string): ExecCredentialResult {
    let out: unknown;
    try {
      out = JSON.parse(stdout);
    } catch (err) {
      throw this.error(
        'printed something that is not an ExecCredential JSON object',
        'RetryLater',
        err,
      );
    }
    const o = (out ?? {}) as {
      kind?: unknown;
      apiVersion?: unknown;
      status?: {
        token?: unknown;
        clientCertificateData?: unknown;
        clientKeyData?: unknown;
        expirationTimestamp?: unknown;
      };
    };
    if (o.kind !== 'ExecCredential' || o.apiVersion !== this.config.apiVersion) {
      throw this.error(
        `returned ${String(o.kind)} of ${String(o.apiVersion)}, but is configured for ExecCredential of ${this.config.apiVersion}`,
        'RetryLater',
        undefined,
      );
    }
    const s = o.status;
    if (!s || typeof s !== 'object') {
      throw this.error('returned no status', 'RetryLater', undefined);
    }
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
    const token = str(s.token);
    const cert = str(s.clientCertificateData);
    const key = str(s.clientKeyData);
    if ((cert === undefined) !== (key === undefined)) {
      throw this.error(
        'returned only one of clientCertificateData and clientKeyData',
        'RetryLater',
        undefined,
      );
    }
    if (token === undefined && cert === undefined) {
      throw this.error(
        'returned neither a token nor a client certificate and key',
        'RetryLater',
        undefined,
      );
    }
    let expiresAt: number | undefined;
    if (s.expirationTimestamp !== undefined && s.expirationTimestamp !== null) {
      expiresAt =
        typeof s.expirationTimestamp === 'string' ? Date.parse(s.expirationTimestamp) : NaN;
      if (Number.isNaN(expiresAt)) {
        throw this.error(
          `returned an expirationTimestamp that is not an RFC 3339 time: ${JSON.stringify(s.expirationTimestamp)}`,
          'RetryLater',
          undefined,
        );
      }
    }
    return { token, clientCertificateData: cert, clientKeyData: key, expiresAt };
  }

  private error(what: string, category: 'Terminal' | 'RetryLater', cause: unknown): FlotillaError {
    return new FlotillaError(
      `kubeconfig ${this.origin.file}: exec credential plugin ${this.config.command} of user "${this.origin.user}" ${what} (field ${this.origin.field})`,
      {
        reason: 'AuthenticationFailed',
        category,
        file: this.origin.file,
        field: this.origin.field,
        ...(cause === undefined ? {} : { cause }),
      },
    );
  }
}
