// source: Flux-compatible sources (source.toolkit.fluxcd.io): ignore rules, artifacts, buckets, git.
export * from './ignore/index.js';
export * from './artifact/index.js';
export * from './bucket/index.js';
export * from './git/index.js';
export * from './gitserver/index.js';
export * from './helm/index.js';
