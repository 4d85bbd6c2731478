// tower: Flotilla's fleet dashboard — the JSON API, live stream and web app server (server/), the
// browser app (web/, built by Vite into dist/tower/web) and the wire types they share (api/).
export { startTower, isLoopback } from './server/tower.js';
export type { RunningTower, TowerClusterOptions, TowerOptions } from './server/tower.js';
export { parseTokens } from './server/auth.js';
export { WEB_ROOT } from './server/http/static-files.js';
export type { AppProvider } from './server/apps/provider.js';
export { kustomizationProvider } from './server/apps/kustomization.js';
export type * from './api/types.js';
