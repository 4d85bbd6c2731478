// ignore: Flux-compatible `.sourceignore` / `spec.ignore` rules for source artifacts.
export * from './source-matcher.js';
export * from './load.js';
