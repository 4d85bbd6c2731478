// Serves the built web app (dist/tower/web, made by `npm run build`): files read once at start,
// kept in memory with their gzip, hashed assets cached for a year, every other path answered with
// index.html so the app's own URLs can be opened and shared. Nothing is fetched from elsewhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlotillaError } from '../../../core/index.js';
import { sendBody } from './respond.js';

/** Where the build puts the app: dist/tower/web beside the package's dist (from src, dist or the bundle). */
export const WEB_ROOT = fileURLToPath(new URL('../../../../dist/tower/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface File {
  readonly body: Buffer;
  readonly type: string;
}

export class StaticFiles {
  private readonly files = new Map<string, File>();

  /** Loads the app; a clear error when it has not been built. */
  constructor(readonly root: string = WEB_ROOT) {
    if (!existsSync(join(root, 'index.html'))) {
      throw new FlotillaError(
        `Tower's web app is not built (no ${join(root, 'index.html')}); run \`npm run build\` in the flotilla checkout`,
        { reason: 'WebAppNotBuilt', file: root },
      );
    }
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else {
          const url = `/${relative(root, path).split(sep).join('/')}`;
          this.files.set(url, {
            body: readFileSync(path),
            type: TYPES[extname(name)] ?? 'application/octet-stream',
          });
        }
      }
    };
    walk(root);
  }

  /** Answers a GET for the app: an asset, or index.html for the app's routes. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const file = this.files.get(pathname);
    if (file && pathname !== '/index.html') {
      const immutable = pathname.startsWith('/assets/');
      sendBody(req, res, 200, file.type, file.body, {
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      return;
    }
    if (pathname.startsWith('/assets/')) {
      sendBody(req, res, 404, 'text/plain; charset=utf-8', Buffer.from('not found'));
      return;
    }
    const index = this.files.get('/index.html') as File;
    sendBody(req, res, 200, index.type, index.body, { 'Cache-Control': 'no-cache' });
  }
}
