// `helm template`: load the chart, process dependencies, coalesce and validate values, render, and
// print the manifests (CRDs, kind-ordered objects, hooks) exactly as helm template writes them.
import { mkdirSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { goBytes } from '../gotemplate/index.js';
import type { Chart } from './chart.js';
import { HelmError } from './errors.js';
import { goPathMatch } from './glob.js';
import { splitManifests, trimSpace } from './manifests.js';
import { renderRelease, source } from './release.js';
import type { RenderOptions, RenderedRelease } from './release.js';

/** `helm template`'s options: a release's, and how the output is printed. */
export interface TemplateOptions extends RenderOptions {
  /** --skip-tests: leave out test hooks. */
  readonly skipTests?: boolean;
  /** --no-hooks */
  readonly disableHooks?: boolean;
  /** --show-only templates (filepath.Match patterns relative to the chart's parent). */
  readonly showOnly?: readonly string[];
  /** --output-dir: write each template's documents into files under this folder instead. */
  readonly outputDir?: string;
  /** --release-name: put --output-dir files under a folder named after the release. */
  readonly useReleaseName?: boolean;
  /** Called for each file written under outputDir (Helm prints "wrote PATH"). */
  readonly onWrite?: (path: string) => void;
}

export interface TemplateResult {
  /** What `helm template` prints on stdout. */
  readonly output: string;
  /** The release it printed. */
  readonly release: RenderedRelease;
}

/**
 * Renders a chart (folder or .tgz path, .tgz bytes, or a loaded Chart, left unchanged) as
 * `helm template` does and returns what it prints.
 */
export function helmTemplate(
  chart: Chart | string | Uint8Array,
  opts: TemplateOptions = {},
): TemplateResult {
  const release = renderRelease(chart, opts);
  let out: string;
  if (opts.outputDir !== undefined) out = writeOutputDir(release, opts, opts.outputDir);
  else {
    // cmd/helm/template.go: the release manifest trimmed, then the hooks.
    out = trimSpace(release.manifest) + '\n';
    for (const h of printedHooks(release, opts)) out += source(h.path, h.manifest);
  }
  if (opts.showOnly !== undefined && opts.showOnly.length > 0) out = showOnly(out, opts.showOnly);
  return { output: out, release };
}

function printedHooks(release: RenderedRelease, opts: TemplateOptions): RenderedRelease['hooks'] {
  if (opts.disableHooks ?? false) return [];
  return release.hooks.filter((h) => !(opts.skipTests && h.events.includes('test')));
}

/** --output-dir: each template's documents appended to a file of its path; prints nothing but "\n". */
function writeOutputDir(
  release: RenderedRelease,
  opts: TemplateOptions,
  outputDir: string,
): string {
  const written = new Set<string>();
  const write = (dir: string, name: string, data: string): void => {
    const file = join(dir, ...name.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    const text = source(name, data);
    if (written.has(file)) appendFileSync(file, goBytes(text));
    else writeFileSync(file, goBytes(text));
    written.add(file);
    opts.onWrite?.(`${dir}/${name}`);
  };
  const dir = opts.useReleaseName ? join(outputDir, release.releaseName) : outputDir;
  if (opts.includeCrds) for (const crd of release.crds) write(outputDir, crd.filename, crd.content);
  for (const m of release.manifests) write(dir, m.name, m.content);
  for (const h of printedHooks(release, opts)) {
    // Helm appends a hook to a file that already exists, even one left by an earlier run.
    const file = join(dir, ...h.path.split('/'));
    if (existsSync(file)) written.add(file);
    write(dir, h.path, h.manifest);
  }
  return '\n';
}

function showOnly(all: string, patterns: readonly string[]): string {
  const docs = splitManifests(all);
  let out = '';
  for (const f of patterns) {
    let missing = true;
    for (const manifest of docs) {
      const m = /# Source: [^/]+\/(.+)/.exec(manifest);
      if (!m) continue;
      let matched = false;
      try {
        matched = goPathMatch(f, m[1] as string);
      } catch {
        matched = false;
      }
      if (!matched) continue;
      out += `---\n${manifest}\n`;
      missing = false;
    }
    if (missing) throw new HelmError(`could not find template ${f} in chart`, 'TemplateNotFound');
  }
  return out;
}
