// The error Helm rendering raises: the message is what `helm template` prints after "Error: ".
import { FlotillaError } from '../../core/index.js';

export class HelmError extends FlotillaError {
  /**
   * Raised while rendering a release's manifests: `helm template` then adds "Use --debug flag to
   * render out invalid YAML" to the message it prints.
   */
  renderPhase = false;

  constructor(message: string, reason = 'HelmRenderFailed', file?: string) {
    super(message, { reason, ...(file !== undefined ? { file } : {}) });
    this.name = 'HelmError';
  }
}
