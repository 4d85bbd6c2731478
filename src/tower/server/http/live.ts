// The live stream (Server-Sent Events at /api/stream): what the clusters' watches changed reaches
// every open browser as one small message per short window ("these topics and these apps
// changed"); the browser then refetches only the page it shows.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveUpdate } from '../../api/types.js';
import type { Fleet, Topic } from '../fleet.js';

/** Changes within this window go out as one message (well under the one second users wait). */
const WINDOW_MS = 150;
const HEARTBEAT_MS = 15_000;
/** More changed apps than this are sent as "many" (an empty list with the apps topic). */
const MAX_APPS = 200;

export class LiveStream {
  private readonly clients = new Set<ServerResponse>();
  private topics = new Set<Topic>();
  private apps = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private version = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(fleet: Fleet) {
    this.unsubscribe = fleet.on((topic, app) => this.note(topic, app));
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Keeps a request open as an event stream. */
  open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(
      `retry: 2000\ndata: ${JSON.stringify({ topics: [], apps: [], version: this.version })}\n\n`,
    );
    this.clients.add(res);
    req.socket.setTimeout(0);
    const close = () => this.clients.delete(res);
    req.on('close', close);
    res.on('error', close);
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private note(topic: Topic, app?: string): void {
    this.topics.add(topic);
    if (app !== undefined && this.apps.size <= MAX_APPS) this.apps.add(app);
    this.timer ??= setTimeout(() => this.flush(), WINDOW_MS);
  }

  private flush(): void {
    this.timer = undefined;
    this.version++;
    const update: LiveUpdate = {
      topics: [...this.topics],
      apps: this.apps.size > MAX_APPS ? [] : [...this.apps],
      version: this.version,
    };
    this.topics = new Set();
    this.apps = new Set();
    const message = `data: ${JSON.stringify(update)}\n\n`;
    for (const c of this.clients) c.write(message);
  }
}
