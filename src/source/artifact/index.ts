// artifact: source artifacts as Flux's source-controller makes them: tarballs, storage, server, client.
export * from './types.js';
export * from './digest.js';
export * from './tarball.js';
export * from './store.js';
export * from './server.js';
export * from './extract.js';
export * from './fetch.js';
export * from './tree-cache.js';
