// Tower's JSON API: one route per screen and action, lists filtered and paged here, actions behind
// a login (session cookie plus CSRF header, or a bearer token) and refused when Tower is read-only.
import type { IncomingMessage } from 'node:http';
import type { ClusterInfo, SessionInfo } from '../api/types.js';
import type { AppActions } from './apps/actions.js';
import { type Actor } from './apps/actions.js';
import { liveDiff, revisionDiff } from './apps/app-diff.js';
import { appDetail, appEvents, requireApp } from './apps/app-detail.js';
import { APP_SORTS, type FleetQuery } from './apps/app-index.js';
import { appTree } from './apps/app-tree.js';
import { appId } from './apps/provider.js';
import { csrfMatches, type Authenticator, type Session } from './auth.js';
import type { AppRenderer } from './diff/renderer.js';
import type { Fleet } from './fleet.js';
import { queryChanges } from './git/changes.js';
import { HttpError } from './http/errors.js';
import type { LiveStream } from './http/live.js';
import { readJson, sendJson } from './http/respond.js';
import { Router, type RouteContext } from './http/router.js';
import { enumListParam, enumParam, listParam, pagingOf } from './paging.js';

export const SESSION_COOKIE = 'tower_session';

export interface ApiDeps {
  readonly fleet: Fleet;
  readonly auth: Authenticator;
  readonly renderer: AppRenderer;
  readonly actions: AppActions;
  readonly live: LiveStream;
  /** Whether Tower is served over TLS (cookies are then Secure). */
  readonly secure: boolean;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

const bearerOf = (req: IncomingMessage): string | undefined =>
  /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1]?.trim();

/** Failed logins per client address in the current minute (slows token guessing). */
class LoginThrottle {
  private window = 0;
  private readonly failures = new Map<string, number>();
  allow(addr: string): boolean {
    this.roll();
    return (this.failures.get(addr) ?? 0) < 10;
  }
  fail(addr: string): void {
    this.roll();
    this.failures.set(addr, (this.failures.get(addr) ?? 0) + 1);
  }
  private roll(): void {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.window) {
      this.window = minute;
      this.failures.clear();
    }
  }
}

export function apiRouter(deps: ApiDeps): Router {
  const { fleet, auth } = deps;
  const throttle = new LoginThrottle();
  const router = new Router();

  const sessionOf = (req: IncomingMessage): Session | undefined => {
    const s = auth.session(cookie(req, SESSION_COOKIE));
    return s && auth.stillListed(s) ? s : undefined;
  };

  /** The user an action runs as; refuses read-only mode, missing logins and bad CSRF tokens. */
  const actorOf = async (req: IncomingMessage): Promise<Actor> => {
    if (!auth.configured) {
      throw new HttpError(
        403,
        'ReadOnly',
        'Tower is read-only: start it with --auth-token-file or --auth-secret to allow actions',
      );
    }
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      const user = await auth.authenticate(bearer);
      if (!user) throw new HttpError(401, 'Unauthorized', 'the bearer token is not valid');
      return { user: user.user, groups: user.groups };
    }
    const session = sessionOf(req);
    if (!session) throw new HttpError(401, 'Unauthorized', 'log in to act');
    const header = req.headers['x-csrf-token'];
    if (!csrfMatches(session, typeof header === 'string' ? header : undefined)) {
      throw new HttpError(403, 'CsrfFailed', 'missing or wrong X-CSRF-Token header');
    }
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      origin !== `${deps.secure ? 'https' : 'http'}://${req.headers.host ?? ''}`
    ) {
      throw new HttpError(403, 'CsrfFailed', `cross-origin request from ${origin} refused`);
    }
    return { user: session.user, groups: session.groups };
  };

  const idOf = (ctx: RouteContext): string =>
    appId(
      ctx.params['cluster'] ?? '',
      ctx.params['kind'] ?? '',
      ctx.params['namespace'] ?? '',
      ctx.params['name'] ?? '',
    );
  const json = (ctx: RouteContext, value: unknown, status = 200) =>
    sendJson(ctx.req, ctx.res, status, value);
  const clusters = (): ClusterInfo[] => {
    const counts = fleet.apps.appsByCluster();
    return [...fleet.clusters.values()].map((c) => c.info(counts.get(c.name) ?? 0));
  };

  router.add('GET', '/api/healthz', (ctx) => json(ctx, { ok: true, apps: fleet.apps.size }));

  router.add('GET', '/api/session', (ctx) => {
    const s = sessionOf(ctx.req);
    const info: SessionInfo = s
      ? { user: s.user, groups: s.groups, readOnly: false, csrf: s.csrf }
      : { readOnly: !auth.configured };
    json(ctx, info);
  });

  router.add('POST', '/api/login', async (ctx) => {
    if (!auth.configured)
      throw new HttpError(403, 'ReadOnly', 'Tower is read-only: no login is configured');
    const addr = ctx.req.socket.remoteAddress ?? '';
    if (!throttle.allow(addr))
      throw new HttpError(429, 'TooManyAttempts', 'too many failed logins; wait a minute');
    const body = await readJson(ctx.req);
    const token = typeof body['token'] === 'string' ? body['token'].trim() : '';
    const user = await auth.authenticate(token);
    if (!user) {
      throttle.fail(addr);
      throw new HttpError(401, 'Unauthorized', 'unknown token');
    }
    const session = auth.login(user);
    const attrs = `HttpOnly; SameSite=Strict; Path=/; Max-Age=28800${deps.secure ? '; Secure' : ''}`;
    ctx.res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${session.id}; ${attrs}`);
    const info: SessionInfo = {
      user: session.user,
      groups: session.groups,
      readOnly: false,
      csrf: session.csrf,
    };
    json(ctx, info);
  });

  router.add('POST', '/api/logout', (ctx) => {
    auth.logout(cookie(ctx.req, SESSION_COOKIE));
    ctx.res.setHeader(
      'Set-Cookie',
      `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
    );
    json(ctx, { readOnly: !auth.configured });
  });

  router.add('GET', '/api/fleet', (ctx) => {
    const p = ctx.url.searchParams;
    const q: FleetQuery = {
      ...pagingOf(p),
      q: p.get('q') ?? '',
      clusters: listParam(p, 'cluster'),
      environments: listParam(p, 'environment'),
      kinds: listParam(p, 'kind'),
      statuses: enumListParam(p, 'status', [
        'ready',
        'failing',
        'progressing',
        'suspended',
        'unknown',
      ] as const),
      drift: enumListParam(p, 'drift', ['synced', 'behind', 'failing', 'unknown'] as const),
      namespaces: listParam(p, 'namespace'),
      sort: enumParam(p, 'sort', APP_SORTS, 'name'),
      desc: p.get('desc') === 'true',
    };
    const view = enumParam(p, 'view', ['list', 'matrix'] as const, 'list');
    const page = view === 'matrix' ? fleet.apps.matrix(q) : fleet.apps.query(q);
    const cs = clusters();
    json(ctx, {
      ...page,
      fleet: fleet.apps.counts(),
      clusters: cs,
      environments: [...new Set(cs.map((c) => c.environment))].sort(),
      kinds: fleet.kinds,
    });
  });

  const app = (suffix: string) => `/api/apps/:cluster/:kind/:namespace/:name${suffix}`;
  router.add('GET', app(''), async (ctx) => json(ctx, await appDetail(fleet, idOf(ctx))));
  router.add('GET', app('/tree'), async (ctx) => json(ctx, await appTree(fleet, idOf(ctx))));
  router.add('GET', app('/events'), async (ctx) =>
    json(ctx, await appEvents(requireApp(fleet, idOf(ctx)))),
  );
  router.add('GET', app('/diff/live'), async (ctx) =>
    json(ctx, await liveDiff(fleet, deps.renderer, idOf(ctx))),
  );
  router.add('GET', app('/diff/revisions'), async (ctx) => {
    const p = ctx.url.searchParams;
    const from = p.get('from') ?? '';
    const to = p.get('branch') ? `branch:${p.get('branch') ?? ''}` : (p.get('to') ?? '');
    if (from === '' || to === '')
      throw new HttpError(400, 'BadQuery', 'give from= and to= (revisions) or branch=');
    json(ctx, await revisionDiff(fleet, deps.renderer, idOf(ctx), from, to));
  });
  router.add('GET', app('/changes'), (ctx) =>
    json(
      ctx,
      queryChanges(fleet, {
        ...pagingOf(ctx.url.searchParams),
        q: '',
        authors: [],
        kinds: [],
        namespaces: [],
        types: [],
        sources: [],
        app: idOf(ctx),
      }),
    ),
  );

  router.add('POST', app('/reconcile'), async (ctx) => {
    const actor = await actorOf(ctx.req);
    const body = await readJson(ctx.req);
    json(ctx, await deps.actions.reconcile(idOf(ctx), actor, body['withSource'] === true));
  });
  for (const [verb, suspended] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    router.add('POST', app(`/${verb}`), async (ctx) => {
      const actor = await actorOf(ctx.req);
      json(ctx, await deps.actions.setSuspended(idOf(ctx), actor, suspended));
    });
  }
  router.add('POST', app('/rollback/preview'), async (ctx) => {
    const actor = await actorOf(ctx.req);
    const body = await readJson(ctx.req);
    const revision = typeof body['revision'] === 'string' ? body['revision'] : '';
    if (revision === '')
      throw new HttpError(400, 'BadRequest', 'give the revision to roll back to');
    json(ctx, await deps.actions.previewRollback(idOf(ctx), actor, revision));
  });
  router.add('POST', app('/rollback'), async (ctx) => {
    const actor = await actorOf(ctx.req);
    const body = await readJson(ctx.req);
    const preview = typeof body['preview'] === 'string' ? body['preview'] : '';
    if (preview === '') throw new HttpError(400, 'BadRequest', 'give the preview id to commit');
    json(ctx, await deps.actions.rollback(idOf(ctx), actor, preview));
  });

  router.add('GET', '/api/images', (ctx) => {
    const p = ctx.url.searchParams;
    json(
      ctx,
      fleet.images.query({
        ...pagingOf(p),
        q: p.get('q') ?? '',
        environments: listParam(p, 'environment'),
        clusters: listParam(p, 'cluster'),
        outdatedOnly: p.get('outdated') === 'true',
      }),
    );
  });

  router.add('GET', '/api/changes', (ctx) => {
    const p = ctx.url.searchParams;
    json(
      ctx,
      queryChanges(fleet, {
        ...pagingOf(p),
        q: p.get('q') ?? '',
        authors: listParam(p, 'author'),
        kinds: listParam(p, 'kind'),
        namespaces: listParam(p, 'namespace'),
        types: enumListParam(p, 'type', ['added', 'modified', 'removed'] as const),
        sources: p.getAll('source'),
      }),
    );
  });

  router.add('GET', '/api/compliance', (ctx) => {
    const p = ctx.url.searchParams;
    const page = fleet.compliance.query({
      ...pagingOf(p),
      q: p.get('q') ?? '',
      clusters: listParam(p, 'cluster'),
      namespaces: listParam(p, 'namespace'),
      policies: p.getAll('policy'),
      includeAccepted: p.get('accepted') === 'true',
    });
    json(ctx, { ...page, clusters: clusters(), engines: fleet.compliance.enginesByCluster() });
  });

  router.add('GET', '/api/stream', (ctx) => deps.live.open(ctx.req, ctx.res));
  return router;
}
