// Errors the API answers with: an HTTP status, a reason and a message for people.
import { FlotillaError } from '../../../core/index.js';

export class HttpError extends FlotillaError {
  constructor(
    readonly status: number,
    reason: string,
    message: string,
  ) {
    super(message, { reason });
    this.name = 'HttpError';
  }
}
