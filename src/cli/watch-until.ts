// How long a watching command (`get -w`, `events -w`) runs: until Ctrl-C, SIGTERM or --timeout,
// whichever comes first, as flux's watches do.

export interface WatchLifetime {
  /** Aborted when the watch should end. */
  readonly signal: AbortSignal;
  /** Removes the timer and the signal handlers. */
  dispose(): void;
}

export function watchLifetime(timeoutMs: number): WatchLifetime {
  const abort = new AbortController();
  const stop = () => abort.abort();
  const timer = setTimeout(stop, timeoutMs);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: abort.signal,
    dispose() {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
