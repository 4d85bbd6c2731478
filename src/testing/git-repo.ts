// A Git repository for tests, served over smart HTTP (git http-backend behind the product's
// server) on 127.0.0.1: commits written by the test are pushed to it and fetched by whoever
// reads the URL (a GitRepository, a benchmark's controller).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startGitHttpServer } from '../source/index.js';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.test',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.test',
};

export interface ServedGitRepo {
  /** The clone URL, `http://127.0.0.1:PORT/<name>.git`. */
  readonly url: string;
  /**
   * Writes files (path → text; `null` deletes), commits on `main`, pushes, and returns the
   * commit id. An unchanged tree still makes a (empty) commit.
   */
  commit(files: Readonly<Record<string, string | null>>, message?: string): string;
  /** The id of the last commit. */
  head(): string;
  close(): Promise<void>;
}

/** A bare repository `<name>.git` with branch `main`, served over smart HTTP. */
export async function startServedGitRepo(name = 'repo'): Promise<ServedGitRepo> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-git-'));
  const work = join(root, 'work');
  const bare = join(root, `${name}.git`);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: work, env: GIT_ENV, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', work], { env: GIT_ENV });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: GIT_ENV });
  const server = await startGitHttpServer({ root }).catch((err: unknown) => {
    rmSync(root, { recursive: true, force: true });
    throw err;
  });
  return {
    url: `${server.url}/${name}.git`,
    commit(files, message = 'change') {
      for (const [path, text] of Object.entries(files)) {
        const full = join(work, path);
        if (text === null) unlinkSync(full);
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, text);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      git('push', '-q', bare, 'HEAD:main');
      return git('rev-parse', 'HEAD');
    },
    head: () => git('rev-parse', 'HEAD'),
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
