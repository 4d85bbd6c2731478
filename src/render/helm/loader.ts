// Loads a chart from a folder (honouring .helmignore) or a packaged .tgz, as Helm's chart loader
// does: Chart.yaml, requirements.yaml (v1), values.yaml, values.schema.json, templates/, charts/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Chart, decodeMetadataInto, emptyMetadata, validateMetadata } from './chart.js';
import type { ChartFile } from './chart.js';
import { HelmError } from './errors.js';
import { IgnoreRules } from './ignore.js';
import { readTarGz } from './tar.js';
import { readYamlMap } from './yaml.js';
import { cleanPath } from '../gotemplate/sprig/paths.js';
import { parseYamlDocuments } from '../yaml/index.js';
import { fastYaml } from './fast-yaml.js';

const MAX_FILE_SIZE = 5 * 1024 * 1024;
const MAX_CHART_SIZE = 100 * 1024 * 1024;

function stripBom(b: Buffer): Buffer {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
}

/** Loads a chart folder or archive. */
export function loadChart(path: string): Chart {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new HelmError(`stat ${path}: no such file or directory`, 'ChartNotFound', path);
  }
  if (st.isDirectory()) return loadDir(path);
  return loadArchiveFile(path);
}

/** Loads a chart folder: walks it in lexical order (following symbolic links), skipping ignored files. */
export function loadDir(dir: string): Chart {
  return loadFiles(chartDirFiles(dir));
}

/** The files of a chart folder as Helm loads (and packages) them: `.helmignore` honoured. */
export function chartDirFiles(dir: string): ChartFile[] {
  const top = resolve(dir);
  const ignoreFile = join(top, '.helmignore');
  let ignoreText: string | undefined;
  try {
    ignoreText = readFileSync(ignoreFile, 'utf8');
  } catch {
    ignoreText = undefined;
  }
  const rules = ignoreText === undefined ? new IgnoreRules() : IgnoreRules.parse(ignoreText);
  rules.addDefaults();
  const files: ChartFile[] = [];
  const walk = (abs: string, rel: string): void => {
    const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) =>
      Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
    );
    for (const entry of entries) {
      const name = entry.name;
      const childAbs = join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      // The entry's type saves a stat, except for links, which are followed.
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size = -1;
      if (entry.isSymbolicLink()) {
        let s;
        try {
          s = statSync(childAbs);
        } catch {
          throw new HelmError(
            `error reading ${childRel}: broken symbolic link`,
            'ChartLoadFailed',
            childAbs,
          );
        }
        isDir = s.isDirectory();
        isFile = s.isFile();
        size = s.size;
      }
      if (isDir) {
        if (rules.ignore(childRel, true)) continue;
        walk(childAbs, childRel);
        continue;
      }
      if (rules.ignore(childRel, false)) continue;
      if (!isFile) {
        throw new HelmError(
          `cannot load irregular file ${childAbs} as it has file mode type bits set`,
          'ChartLoadFailed',
          childAbs,
        );
      }
      const data = size > MAX_FILE_SIZE ? undefined : readFileSync(childAbs);
      if (data === undefined || data.length > MAX_FILE_SIZE) {
        throw new HelmError(
          `chart file "${name}" is larger than the maximum file size ${MAX_FILE_SIZE}`,
          'ChartLoadFailed',
          childAbs,
        );
      }
      files.push({ name: childRel, data: stripBom(data) });
    }
  };
  walk(top, '');
  return files;
}

/** Loads a packaged chart (.tgz) from disk. */
export function loadArchiveFile(path: string): Chart {
  const raw = readFileSync(path);
  if (!(raw[0] === 0x1f && raw[1] === 0x8b && raw[2] === 0x08)) {
    if (path.endsWith('.yml') || path.endsWith('.yaml')) {
      throw new HelmError(
        `file '${path}' seems to be a YAML file, but expected a gzipped archive`,
        'ChartLoadFailed',
        path,
      );
    }
    throw new HelmError(
      `file '${path}' does not appear to be a gzipped archive; got '${sniff(raw)}'`,
      'ChartLoadFailed',
      path,
    );
  }
  return loadArchive(raw);
}

function sniff(b: Buffer): string {
  const head = b.subarray(0, 512).toString('latin1');

  if (/^[\t\n\f\r\x20-\x7e]*$/.test(head)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

/** The files of a packaged chart, named relative to its top folder. */
export function archiveFiles(gz: Buffer): ChartFile[] {
  let entries;
  try {
    entries = readTarGz(gz);
  } catch (e) {
    throw new HelmError(
      (e as Error).message === 'incorrect header check'
        ? 'gzip: invalid header'
        : (e as Error).message,
      'ChartLoadFailed',
    );
  }
  const files: ChartFile[] = [];
  let total = 0;
  for (const e of entries) {
    if (e.type === '5') continue;
    const delimiter = e.name.includes('\\') ? '\\' : '/';
    const parts = e.name.split(delimiter);
    let n = parts.slice(1).join('/');
    if (n.startsWith('/'))
      throw new HelmError('chart illegally contains absolute paths', 'ChartLoadFailed');
    n = cleanPath(n);
    if (n === '.')
      throw new HelmError(
        `chart illegally contains content outside the base directory: "${e.name}"`,
        'ChartLoadFailed',
      );
    if (n.startsWith('..'))
      throw new HelmError('chart illegally references parent directory', 'ChartLoadFailed');
    if (/^[a-zA-Z]:\//.test(n))
      throw new HelmError('chart contains illegally named files', 'ChartLoadFailed');
    if (parts[0] === 'Chart.yaml')
      throw new HelmError('chart yaml not in base directory', 'ChartLoadFailed');
    if (e.data.length > MAX_FILE_SIZE) {
      throw new HelmError(
        `decompressed chart file "${e.name}" is larger than the maximum file size ${MAX_FILE_SIZE}`,
        'ChartLoadFailed',
      );
    }
    total += e.data.length;
    if (total > MAX_CHART_SIZE) {
      throw new HelmError(
        `decompressed chart is larger than the maximum file size ${MAX_CHART_SIZE}`,
        'ChartLoadFailed',
      );
    }
    files.push({ name: n, data: stripBom(e.data) });
  }
  if (files.length === 0) throw new HelmError('no files in chart archive', 'ChartLoadFailed');
  return files;
}

export function loadArchive(gz: Buffer): Chart {
  return loadFiles(archiveFiles(gz));
}

const text = (b: Buffer): string => b.toString('utf8');

/** Builds a chart from its files (LoadFiles). */
export function loadFiles(files: readonly ChartFile[]): Chart {
  const c = new Chart();
  let md = undefined as ReturnType<typeof emptyMetadata> | undefined;
  const subcharts = new Map<string, ChartFile[]>();
  for (const f of files) {
    if (f.name === 'Chart.yaml') {
      md ??= emptyMetadata();
      decodeMetadataInto(md, text(f.data), 'Chart.yaml');
      if (md.apiVersion === '') md.apiVersion = 'v1';
    }
  }
  for (const f of files) {
    const name = f.name;
    if (name === 'Chart.yaml') continue;
    if (name === 'Chart.lock' || name === 'requirements.lock') {
      checkYaml(f, name);
      if (name === 'requirements.lock') {
        md ??= emptyMetadata();
        if (md.apiVersion === 'v1') c.files.push(f);
      }
      continue;
    }
    if (name === 'values.yaml') {
      try {
        c.values = readYamlMap(text(f.data));
      } catch (e) {
        throw new HelmError(
          `cannot load values.yaml: ${(e as Error).message}`,
          'ChartLoadFailed',
          name,
        );
      }
      continue;
    }
    if (name === 'values.schema.json') {
      c.schema = f.data;
      continue;
    }
    if (name === 'requirements.yaml') {
      md ??= emptyMetadata();
      decodeMetadataInto(md, text(f.data), 'requirements.yaml');
      if (md.apiVersion === 'v1') c.files.push(f);
      continue;
    }
    if (name.startsWith('templates/')) {
      c.templates.push(f);
      continue;
    }
    if (name.startsWith('charts/')) {
      if (name.endsWith('.prov')) {
        c.files.push(f);
        continue;
      }
      const fname = name.slice('charts/'.length);
      const cname = fname.split('/')[0] as string;
      const list = subcharts.get(cname) ?? [];
      list.push({ name: fname, data: f.data });
      subcharts.set(cname, list);
      continue;
    }
    c.files.push(f);
  }
  if (md === undefined) throw new HelmError('Chart.yaml file is missing', 'ChartLoadFailed');
  validateMetadata(md);
  c.metadata = md;
  for (const [n, sub] of subcharts) {
    if (n.startsWith('_') || n.startsWith('.')) continue;
    let sc: Chart;
    try {
      if (n.endsWith('.tgz')) {
        const file = sub[0] as ChartFile;
        if (file.name !== n) {
          throw new HelmError(
            `error unpacking subchart tar in ${c.name()}: expected ${n}, got ${file.name}`,
            'ChartLoadFailed',
          );
        }
        sc = loadArchive(file.data);
      } else {
        const buff: ChartFile[] = [];
        for (const f of sub) {
          const i = f.name.indexOf('/');
          if (i < 0) continue;
          buff.push({ name: f.name.slice(i + 1), data: f.data });
        }
        sc = loadFiles(buff);
      }
    } catch (e) {
      throw new HelmError(
        `error unpacking subchart ${n} in ${c.name()}: ${(e as Error).message}`,
        'ChartLoadFailed',
      );
    }
    c.addDependency(sc);
  }
  return c;
}

function checkYaml(f: ChartFile, name: string): void {
  try {
    const t = text(f.data);
    if (fastYaml(t) === undefined) parseYamlDocuments(t, true);
  } catch (e) {
    throw new HelmError(
      `cannot load ${name}: error converting YAML to JSON: yaml: ${(e as Error).message}`,
      'ChartLoadFailed',
      name,
    );
  }
}
