// How the CLI reports failures: a message on stderr and a non-zero exit code.
import { FlotillaError } from '../core/index.js';

/** A failure a command reports to the user, with the exit code to leave with. */
export class CliError extends FlotillaError {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, reason = 'CommandFailed') {
    super(message, { reason });
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Exit code for a command group whose implementation has not landed yet. */
export const EXIT_NOT_BUILT = 3;
