// A set of associated Go templates sharing functions and options (text/template's Template and its
// common part): parse files into it, look templates up, clone it (as Helm's tpl does) and execute.
import { BUILTINS } from './builtins.js';
import { ExecError, MissingKey, executeTree } from './exec.js';
import type { ExecContext } from './exec.js';
import { isEmptyTree } from './node.js';
import type { Tree } from './node.js';
import { parseTemplate } from './parse.js';
import { quote } from './strconv.js';
import type { GoFunc, GoValue } from './value.js';

export type FuncMap = Readonly<Record<string, GoFunc>>;

/**
 * Parsed templates kept by name and text, for sets that parse the same texts again (a controller
 * rendering a chart again, Helm's tpl called in a loop). Trees are never changed once parsed, so
 * sets can share them. A cache may only be shared by sets with the same function names (which
 * decide what parses). Holds at most `maxChars` characters of template text, least recently used
 * first out.
 */
export class ParseCache {
  /**
   * By name, the texts parsed under it (most recently used last). Texts are compared rather than
   * hashed: a file read again is a new string, and comparing it is cheaper than hashing it.
   */
  private readonly entries = new Map<
    string,
    { text: string; trees: ReadonlyMap<string, Tree> }[]
  >();
  private chars = 0;

  constructor(
    private readonly maxChars = 64 * 1024 * 1024,
    /** Texts kept per name (tpl parses many under one name). */
    private readonly perName = 64,
  ) {}

  get(name: string, text: string): ReadonlyMap<string, Tree> | undefined {
    const list = this.entries.get(name);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i] as { text: string; trees: ReadonlyMap<string, Tree> };
      if (e.text === text) {
        if (i !== list.length - 1) {
          list.splice(i, 1);
          list.push(e);
        }
        return e.trees;
      }
    }
    return undefined;
  }

  set(name: string, text: string, trees: ReadonlyMap<string, Tree>): void {
    if (text.length > this.maxChars) return;
    let list = this.entries.get(name);
    if (list === undefined) this.entries.set(name, (list = []));
    list.push({ text, trees });
    this.chars += text.length;
    if (list.length > this.perName) this.chars -= (list.shift() as { text: string }).text.length;
    if (this.chars > this.maxChars) {
      // over budget: start again rather than track a global order
      this.entries.clear();
      this.chars = 0;
    }
  }
}

export class TemplateSet implements ExecContext {
  private readonly trees = new Map<string, Tree>();
  private funcs: Record<string, GoFunc>;
  missingKey: MissingKey = MissingKey.Invalid;
  /** Where parse looks for trees it parsed before (see ParseCache); clones share it. */
  parseCache: ParseCache | undefined;

  /** @param name the set's own name (Go's root template name, e.g. Helm's "gotpl"). */
  constructor(
    readonly name: string,
    funcs?: FuncMap,
    private readonly parent?: TemplateSet,
  ) {
    this.funcs = Object.create(parent ? parent.funcs : null) as Record<string, GoFunc>;
    if (funcs) Object.assign(this.funcs, funcs);
  }

  /** Adds or replaces functions (Template.Funcs). */
  addFuncs(funcs: FuncMap): this {
    Object.assign(this.funcs, funcs);
    return this;
  }

  /** Sets the missingkey option ("invalid"/"default", "zero" or "error"). */
  option(missingKey: 'invalid' | 'default' | 'zero' | 'error'): this {
    this.missingKey =
      missingKey === 'zero'
        ? MissingKey.Zero
        : missingKey === 'error'
          ? MissingKey.Error
          : MissingKey.Invalid;
    return this;
  }

  func(name: string): GoFunc | undefined {
    return this.funcs[name] ?? BUILTINS[name];
  }

  hasFunction = (name: string): boolean =>
    this.funcs[name] !== undefined || BUILTINS[name] !== undefined;

  lookup(name: string): Tree | undefined {
    return this.trees.get(name) ?? this.parent?.lookup(name);
  }

  /**
   * Parses `text` as the template `name` and adds every template it defines (Template.New(name).Parse).
   * Returns the tree of `name` itself, which an empty text does not replace in the set.
   */
  parse(name: string, text: string): Tree {
    let trees = this.parseCache?.get(name, text);
    if (trees === undefined) {
      trees = parseTemplate(name, text, this.hasFunction);
      this.parseCache?.set(name, text, trees);
    }
    let own: Tree | undefined;
    for (const [n, tree] of trees) {
      if (n === name) own = tree;
      const old = this.lookup(n);
      if (old !== undefined && isEmptyTree(tree.root) && old.root !== null) continue;
      this.trees.set(n, tree);
    }
    return own ?? { name, parseName: name, root: null, text };
  }

  /** A copy whose new templates and functions do not affect this set (Template.Clone). */
  clone(): TemplateSet {
    const c = new TemplateSet(this.name, undefined, this);
    c.missingKey = this.missingKey;
    c.parseCache = this.parseCache;
    return c;
  }

  /** Executes the template `name` of the set (Template.ExecuteTemplate). */
  execute(name: string, data: GoValue): string {
    const tree = this.lookup(name);
    if (tree === undefined) {
      throw new ExecError(
        `template: no template ${quote(name)} associated with template ${quote(this.name)}`,
        name,
      );
    }
    return executeTree(this, name, tree, data);
  }

  /** Executes a tree this set parsed, as the template `name`. */
  executeTree(name: string, tree: Tree, data: GoValue): string {
    return executeTree(this, name, tree, data);
  }
}
