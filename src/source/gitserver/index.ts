// gitserver: serve Git repositories over smart HTTP (for `flotilla up` and end-to-end tests).
export { GIT_HTTP_BACKEND, startGitHttpServer } from './http-server.js';
export type { GitHttpServer, GitHttpServerOptions } from './http-server.js';
