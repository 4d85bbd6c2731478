// The parser of Go's text/template (text/template/parse/parse.go): builds trees, with Go's parse errors.
import { Item, Lexer } from './lex.js';
import type { ItemType, Token } from './lex.js';
import { NodeType, isEmptyTree, nodeString } from './node.js';
import type {
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  Tree,
  VariableNode,
} from './node.js';
import { parseFloat64, parseInt64, parseUint, quote, unquote, unquoteChar } from './strconv.js';

/** A template that does not parse; the message is Go's ("template: NAME:LINE: …"). */
export class TemplateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateParseError';
  }
}

const MAX_STACK_DEPTH = 10000;

/** Answers whether a function name is defined (for "function %q not defined"). */
export type HasFunction = (name: string) => boolean;

function tokenString(i: Token): string {
  if (i.typ === Item.EOF) return 'EOF';
  if (i.typ === Item.Error) return i.val;
  if (i.typ > Item.Keyword) return `<${i.val}>`;
  if ([...i.val].length > 10) return quote([...i.val].slice(0, 10).join('')) + '...';
  return quote(i.val);
}

class Parser {
  tree: Tree;
  private lex!: Lexer;
  private token: [Token, Token, Token] = [EOF_TOKEN, EOF_TOKEN, EOF_TOKEN];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(
    name: string,
    parseName: string,
    text: string,
    private readonly hasFunction: HasFunction,
    private readonly treeSet: Map<string, Tree>,
  ) {
    this.tree = { name, parseName, root: null, text };
  }

  startParse(lex: Lexer): void {
    this.lex = lex;
    this.vars = ['$'];
    this.stackDepth = 0;
    lex.options = {
      emitComment: false,
      breakOK: !this.hasFunction('break'),
      continueOK: !this.hasFunction('continue'),
    };
  }

  errorf(msg: string): never {
    this.tree.root = null;
    throw new TemplateParseError(`template: ${this.tree.parseName}:${this.token[0].line}: ${msg}`);
  }

  next(): Token {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount] as Token;
  }
  backup(): void {
    this.peekCount++;
  }
  backup2(t1: Token): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }
  backup3(t2: Token, t1: Token): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }
  peek(): Token {
    if (this.peekCount > 0) return this.token[this.peekCount - 1] as Token;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }
  nextNonSpace(): Token {
    let token: Token;
    do token = this.next();
    while (token.typ === Item.Space);
    return token;
  }
  peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }
  expect(expected: ItemType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }
  expectOneOf(e1: ItemType, e2: ItemType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.typ !== e1 && token.typ !== e2) this.unexpected(token, context);
    return token;
  }
  unexpected(token: Token, context: string): never {
    if (token.typ === Item.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.tree.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${tokenString(token)}${extra}`);
    }
    this.errorf(`unexpected ${tokenString(token)} in ${context}`);
  }

  // ---- node constructors ----
  private list(pos: number): ListNode {
    return { type: NodeType.List, pos, tree: this.tree, nodes: [] };
  }

  add(): void {
    const existing = this.treeSet.get(this.tree.name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(this.tree.name, this.tree);
      return;
    }
    if (!isEmptyTree(this.tree.root)) {
      this.errorf(`template: multiple definition of template ${quote(this.tree.name)}`);
    }
  }

  parse(): void {
    this.tree.root = this.list(this.peek().pos);
    while (this.peek().typ !== Item.EOF) {
      if (this.peek().typ === Item.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === Item.Define) {
          const sub = new Parser(
            'definition',
            this.tree.parseName,
            this.tree.text,
            this.hasFunction,
            this.treeSet,
          );
          sub.startParse(this.lex);
          sub.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === NodeType.End || n.type === NodeType.Else)
        this.errorf(`unexpected ${nodeString(n)}`);
      this.tree.root.nodes.push(n);
    }
  }

  parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(Item.String, Item.RawString, context);
    try {
      this.tree.name = unquote(name.val);
    } catch (e) {
      this.errorf((e as Error).message);
    }
    this.expect(Item.RightDelim, context);
    const [root, end] = this.itemList();
    this.tree.root = root;
    if (end.type !== NodeType.End) this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  itemList(): [ListNode, Node] {
    const list = this.list(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== Item.EOF) {
      const n = this.textOrAction();
      if (n.type === NodeType.End || n.type === NodeType.Else) return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case Item.Text:
        return { type: NodeType.Text, pos: token.pos, tree: this.tree, text: token.val };
      case Item.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case Item.Comment:
        return { type: NodeType.Comment, pos: token.pos, tree: this.tree, text: token.val };
      default:
        this.unexpected(token, 'input');
    }
  }

  action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case Item.Block:
        return this.blockControl();
      case Item.Break:
        return this.breakControl(token.pos, token.line);
      case Item.Continue:
        return this.continueControl(token.pos, token.line);
      case Item.Else:
        return this.elseControl();
      case Item.End:
        return this.endControl();
      case Item.If:
        return this.branch(NodeType.If, 'if');
      case Item.Range:
        return this.branch(NodeType.Range, 'range');
      case Item.Template:
        return this.templateControl();
      case Item.With:
        return this.branch(NodeType.With, 'with');
    }
    this.backup();
    const tok = this.peek();
    return {
      type: NodeType.Action,
      pos: tok.pos,
      tree: this.tree,
      line: tok.line,
      pipe: this.pipeline('command', Item.RightDelim),
    };
  }

  breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== Item.RightDelim) this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: NodeType.Break, pos, tree: this.tree, line };
  }
  continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== Item.RightDelim) this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: NodeType.Continue, pos, tree: this.tree, line };
  }

  pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = {
      type: NodeType.Pipe,
      pos: token.pos,
      tree: this.tree,
      line: token.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === Item.Variable) {
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.typ === Item.Assign || next.typ === Item.Declare) {
          pipe.isAssign = next.typ === Item.Assign;
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.typ === Item.Char && next.val === ',') {
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const p = this.peekNonSpace().typ;
            if (p === Item.Variable || p === Item.RightDelim || p === Item.RightParen)
              continue decls;
            this.errorf('range can only initialize variables');
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === Item.Space) {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case Item.Bool:
        case Item.CharConstant:
        case Item.Complex:
        case Item.Dot:
        case Item.Field:
        case Item.Identifier:
        case Item.Number:
        case Item.Nil:
        case Item.RawString:
        case Item.String:
        case Item.Variable:
        case Item.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = (c.args[0] as Node).type;
      if (
        t === NodeType.Bool ||
        t === NodeType.Dot ||
        t === NodeType.Nil ||
        t === NodeType.Number ||
        t === NodeType.String
      ) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  parseControl(context: string): {
    pos: number;
    line: number;
    pipe: PipeNode;
    list: ListNode;
    elseList: ListNode | null;
  } {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, Item.RightDelim);
      if (context === 'range') this.rangeDepth++;
      const items = this.itemList();
      const list = items[0];
      let next = items[1];
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === NodeType.Else) {
        if (context === 'if' && this.peek().typ === Item.If) {
          this.next();
          elseList = this.list(next.pos);
          elseList.nodes.push(this.branch(NodeType.If, 'if'));
        } else if (context === 'with' && this.peek().typ === Item.With) {
          this.next();
          elseList = this.list(next.pos);
          elseList.nodes.push(this.branch(NodeType.With, 'with'));
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== NodeType.End) this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  branch(type: BranchNode['type'], context: string): BranchNode {
    const c = this.parseControl(context);
    return {
      type,
      pos: c.pos,
      tree: this.tree,
      line: c.line,
      pipe: c.pipe,
      list: c.list,
      elseList: c.elseList,
    };
  }

  endControl(): Node {
    return { type: NodeType.End, pos: this.expect(Item.RightDelim, 'end').pos, tree: this.tree };
  }

  elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.typ === Item.If || peek.typ === Item.With) {
      return { type: NodeType.Else, pos: peek.pos, tree: this.tree, line: peek.line };
    }
    const token = this.expect(Item.RightDelim, 'else');
    return { type: NodeType.Else, pos: token.pos, tree: this.tree, line: token.line };
  }

  blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, Item.RightDelim);
    const block = new Parser(
      name,
      this.tree.parseName,
      this.tree.text,
      this.hasFunction,
      this.treeSet,
    );
    block.startParse(this.lex);
    const [root, end] = block.itemList();
    block.tree.root = root;
    if (end.type !== NodeType.End) this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    return {
      type: NodeType.Template,
      pos: token.pos,
      tree: this.tree,
      line: token.line,
      name,
      pipe,
    };
  }

  templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== Item.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, Item.RightDelim);
    }
    return {
      type: NodeType.Template,
      pos: token.pos,
      tree: this.tree,
      line: token.line,
      name,
      pipe,
    };
  }

  parseTemplateName(token: Token, context: string): string {
    if (token.typ === Item.String || token.typ === Item.RawString) {
      try {
        return unquote(token.val);
      } catch (e) {
        this.errorf((e as Error).message);
      }
    }
    this.unexpected(token, context);
  }

  command(): CommandNode {
    const cmd: CommandNode = {
      type: NodeType.Command,
      pos: this.peekNonSpace().pos,
      tree: this.tree,
      args: [],
    };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === Item.Space) continue;
      if (token.typ === Item.RightDelim || token.typ === Item.RightParen) this.backup();
      else if (token.typ !== Item.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  operand(): Node | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().typ === Item.Field) {
      const chainPos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().typ === Item.Field) fields.push(this.next().val.slice(1));
      const chainText = () => nodeString(node as Node) + fields.map((f) => '.' + f).join('');
      switch (node.type) {
        case NodeType.Field:
          node = this.newField(chainPos, chainText());
          break;
        case NodeType.Variable:
          node = this.newVariable(chainPos, chainText());
          break;
        case NodeType.Bool:
        case NodeType.String:
        case NodeType.Number:
        case NodeType.Nil:
        case NodeType.Dot:
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
          break;
        default:
          node = { type: NodeType.Chain, pos: chainPos, tree: this.tree, node, field: fields };
      }
    }
    return node;
  }

  term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case Item.Identifier:
        if (!this.hasFunction(token.val)) this.errorf(`function ${quote(token.val)} not defined`);
        return { type: NodeType.Identifier, pos: token.pos, tree: this.tree, ident: token.val };
      case Item.Dot:
        return { type: NodeType.Dot, pos: token.pos, tree: this.tree };
      case Item.Nil:
        return { type: NodeType.Nil, pos: token.pos, tree: this.tree };
      case Item.Variable:
        return this.useVar(token.pos, token.val);
      case Item.Field:
        return this.newField(token.pos, token.val);
      case Item.Bool:
        return {
          type: NodeType.Bool,
          pos: token.pos,
          tree: this.tree,
          value: token.val === 'true',
        };
      case Item.CharConstant:
      case Item.Complex:
      case Item.Number:
        try {
          return newNumber(this.tree, token.pos, token.val, token.typ);
        } catch (e) {
          this.errorf((e as Error).message);
        }
      // falls through (unreachable)
      case Item.LeftParen: {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', Item.RightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case Item.String:
      case Item.RawString: {
        let s = '';
        try {
          s = unquote(token.val);
        } catch (e) {
          this.errorf((e as Error).message);
        }
        return {
          type: NodeType.String,
          pos: token.pos,
          tree: this.tree,
          quoted: token.val,
          text: s,
        };
      }
    }
    this.backup();
    return null;
  }

  newVariable(pos: number, ident: string): VariableNode {
    return { type: NodeType.Variable, pos, tree: this.tree, ident: ident.split('.') };
  }
  newField(pos: number, ident: string): Node {
    return { type: NodeType.Field, pos, tree: this.tree, ident: ident.slice(1).split('.') };
  }
  useVar(pos: number, name: string): Node {
    const v = this.newVariable(pos, name);
    if (this.vars.includes(v.ident[0] as string)) return v;
    this.errorf(`undefined variable ${quote(v.ident[0] as string)}`);
  }
}

const EOF_TOKEN: Token = { typ: Item.EOF, pos: 0, val: 'EOF', line: 0 };

function newNumber(tree: Tree, pos: number, text: string, typ: ItemType): NumberNode {
  const n: NumberNode = {
    type: NodeType.Number,
    pos,
    tree,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    text,
  };
  if (typ === Item.CharConstant) {
    const { value, tail } = unquoteChar(text.slice(1), text[0] as string);
    if (tail !== "'") throw new Error(`malformed character constant: ${text}`);
    n.int64 = BigInt(value);
    n.isInt = true;
    n.uint64 = BigInt(value);
    n.isUint = true;
    n.float64 = value;
    n.isFloat = true;
    return n;
  }
  if (typ === Item.Complex) {
    const m = /^([+-]?[^+-]+(?:[eE][+-]?\d+)?)([+-].+)i$/.exec(text);
    if (!m) throw new Error(`illegal number syntax: ${quote(text)}`);
    const re = parseFloat64(m[1] as string);
    const im = parseFloat64(m[2] as string);
    n.isComplex = true;
    simplifyComplex(n, re, im);
    return n;
  }
  // Plain decimal integers and fractions (nearly every literal): no need for the general parsers.
  if (/^-?(?:0|[1-9]\d{0,14})$/.test(text)) {
    const v = Number(text);
    n.isInt = n.isFloat = true;
    n.int64 = BigInt(v);
    n.float64 = v;
    if (v >= 0) {
      n.isUint = true;
      n.uint64 = n.int64;
    }
    return n;
  }
  if (/^-?(?:0|[1-9]\d{0,14})\.\d{1,15}$/.test(text)) {
    const f = Number(text);
    n.isFloat = true;
    n.float64 = f;
    if (Number.isInteger(f)) {
      n.isInt = true;
      n.int64 = BigInt(f);
      if (f >= 0) {
        n.isUint = true;
        n.uint64 = n.int64;
      }
    }
    return n;
  }
  if (text.endsWith('i')) {
    try {
      const f = parseFloat64(text.slice(0, -1));
      n.isComplex = true;
      simplifyComplex(n, 0, f);
      return n;
    } catch {
      /* not imaginary */
    }
  }
  let u = 0n;
  try {
    u = parseUint(text, 0, 64);
    n.isUint = true;
    n.uint64 = u;
  } catch {
    /* not unsigned */
  }
  try {
    const i = parseInt64(text, 0, 64);
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true;
      n.uint64 = u;
    }
  } catch {
    /* not signed */
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    let f: number | undefined;
    try {
      f = parseFloat64(text);
    } catch {
      f = undefined;
    }
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${quote(text)}`);
      n.isFloat = true;
      n.float64 = f;
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${quote(text)}`);
  return n;
}

function simplifyComplex(n: NumberNode, re: number, im: number): void {
  n.isFloat = im === 0;
  if (n.isFloat) {
    n.float64 = re;
    n.isInt = Number.isInteger(re) && Math.abs(re) < 2 ** 63;
    if (n.isInt) n.int64 = BigInt(re);
    n.isUint = Number.isInteger(re) && re >= 0 && re < 2 ** 64;
    if (n.isUint) n.uint64 = BigInt(re);
  }
}

/**
 * Parses `text` as the template `name`; returns every tree it defines (the template itself and
 * its `define`/`block` templates), as parse.Parse does.
 */
export function parseTemplate(
  name: string,
  text: string,
  hasFunction: HasFunction,
  leftDelim = '{{',
  rightDelim = '}}',
): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const p = new Parser(name, name, text, hasFunction, treeSet);
  const lex = new Lexer(name, text, leftDelim || '{{', rightDelim || '}}');
  p.startParse(lex);
  p.parse();
  p.add();
  return treeSet;
}

export type { Tree };
