// The fleet repository `flotilla up` serves: seeded once from examples/fleet into a working copy
// the user edits and commits in; Flotilla serves that working copy's .git over smart HTTP.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FlotillaError } from '../../core/index.js';

const run = promisify(execFile);

/** examples/fleet of this package (works from src/ and from dist/). */
export const EXAMPLE_FLEET = fileURLToPath(new URL('../../../examples/fleet/', import.meta.url));

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  try {
    return (await run('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' })).stdout.trim();
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new FlotillaError(
        'git is not installed: flotilla up needs the git command to keep its fleet repository',
        {
          reason: 'GitNotInstalled',
        },
      );
    }
    throw new FlotillaError(
      `git ${args.join(' ')} failed in ${cwd}: ${e.stderr?.trim() || e.message}`,
      {
        reason: 'GitFailed',
      },
    );
  }
}

/** Creates the working copy from examples/fleet with one commit on `main`, unless it exists. */
export async function ensureFleetRepo(
  dir: string,
  source = EXAMPLE_FLEET,
): Promise<{ created: boolean }> {
  if (existsSync(dir)) {
    if (!existsSync(`${dir}/.git`)) {
      throw new FlotillaError(
        `${dir} exists but is not a git working copy; move it away or pass another --data`,
        {
          reason: 'InvalidPath',
          file: dir,
        },
      );
    }
    await acceptPushes(dir);
    return { created: false };
  }
  mkdirSync(dir, { recursive: true });
  cpSync(source, dir, { recursive: true });
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'add', '-A');
  await git(
    dir,
    '-c',
    'user.name=Flotilla',
    '-c',
    'user.email=flotilla@localhost',
    'commit',
    '-q',
    '-m',
    'Initial fleet from examples/fleet',
  );
  await acceptPushes(dir);
  return { created: true };
}

/**
 * Lets pushes to `main` (Tower's rollback commits) update the working copy too, as long as it has
 * no uncommitted changes (git's `updateInstead`).
 */
async function acceptPushes(dir: string): Promise<void> {
  await git(dir, 'config', 'receive.denyCurrentBranch', 'updateInstead');
}

/** The commit the working copy's `main` points at, with its subject line. */
export async function headCommit(dir: string): Promise<{ sha: string; subject: string }> {
  const out = await git(dir, 'log', '-1', '--format=%H%x00%s', 'main');
  const [sha = '', subject = ''] = out.split('\u0000');
  return { sha, subject };
}
