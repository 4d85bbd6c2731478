// Executes parsed Go templates (text/template/exec.go): pipelines, variables, field chains, function calls
// with Go's argument checking, if/with/range/template, and Go's execution errors.
import { sprintTemplateValue, derefStruct } from './fmt.js';
import { NodeType, nodeString } from './node.js';
import type {
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
} from './node.js';
import { quote } from './strconv.js';
import { BUILTINS } from './builtins.js';
import {
  GoError,
  GoInt,
  GoObject,
  GoStruct,
  Kind,
  T,
  assignable,
  byteLength,
  findField,
  findMethod,
  goInt,
  isGoMap,
  isIntKind,
  isTrue,
  isUnsignedKind,
  sortedKeys,
  typeOf,
  zeroValue,
} from './value.js';
import type { GoFunc, GoType, GoValue } from './value.js';

/** An error while executing a template; the message is Go's ("template: NAME:L:C: executing …"). */
/**
 * A recursion of function calls (include, tpl) that ran out of JavaScript stack before Go's limits
 * would have stopped it. `frames` records, innermost first, the text each call would have added
 * to Go's error (and markers its caller adds, such as which template an include entered), so that
 * the caller can work out the error Go would have ended with.
 */
export class DeepRecursion extends Error {
  readonly frames: (string | { readonly include: string })[] = [];
  constructor() {
    super('template recursion too deep');
    this.name = 'DeepRecursion';
  }
}

export class ExecError extends Error {
  constructor(
    message: string,
    /** The name of the template that was executing. */
    readonly templateName: string,
    /** The error a called function returned, when that is what failed. */
    readonly wrapped?: Error,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

export const MissingKey = { Invalid: 0, Zero: 1, Error: 2 } as const;
export type MissingKey = (typeof MissingKey)[keyof typeof MissingKey];

/** What a template can reach while executing: the templates of its set and its functions. */
export interface ExecContext {
  lookup(name: string): Tree | undefined;
  func(name: string): GoFunc | undefined;
  readonly missingKey: MissingKey;
}

/** Builtin functions that exec handles itself (and, or, call) or that need exec's help. */
const SPECIAL = new Set(['and', 'or', 'call']);

const MAX_EXEC_DEPTH = 100000;

/** The value passed as a pipeline's final argument when there is none. */
const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

interface Variable {
  name: string;
  value: GoValue;
  iface: boolean;
}

const enum Signal {
  None = 0,
  Break = 1,
  Continue = 2,
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

function canBeNil(typ: GoType): boolean {
  switch (typ.kind) {
    case Kind.Func:
    case Kind.Interface:
    case Kind.Map:
    case Kind.Pointer:
    case Kind.Slice:
      return true;
    case Kind.Struct:
      return typ === T.reflectValue;
  }
  return false;
}

/** The Go type of a map's or slice's elements. */
function elemType(v: GoValue): GoType {
  return typeOf(v)?.elem ?? T.any;
}

class State {
  out = '';
  node: Node | null = null;
  vars: Variable[];
  /** Whether the value the last evalField/evalArg returned came from an interface-typed slot. */
  iface = false;

  constructor(
    readonly ctx: ExecContext,
    readonly name: string,
    dot: GoValue,
    readonly depth: number,
  ) {
    this.vars = [{ name: '$', value: dot, iface: false }];
  }

  errorf(msg: string, wrapped?: Error): never {
    throw new ExecError(this.errorPrefix() + msg, this.name, wrapped);
  }

  /** What errorf writes before the message: "template: NAME:LINE:COL: executing "NAME" at <NODE>: ". */
  errorPrefix(): string {
    const name = this.name;
    if (this.node === null) return `template: ${name}: `;
    const n = this.node;
    const text = n.tree.text.slice(0, n.pos);
    const nl = text.lastIndexOf('\n');
    const col = byteLength(nl === -1 ? text : text.slice(nl + 1));
    let line = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return `template: ${n.tree.parseName}:${line}:${col}: executing ${quote(name)} at <${nodeString(n)}>: `;
  }

  // ---- variables ----
  mark(): number {
    return this.vars.length;
  }
  pop(mark: number): void {
    this.vars.length = mark;
  }
  push(name: string, value: GoValue, iface: boolean): void {
    this.vars.push({ name, value, iface });
  }
  setVar(name: string, value: GoValue, iface: boolean): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        v.iface = iface;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  setTopVar(n: number, value: GoValue, iface: boolean): void {
    const v = this.vars[this.vars.length - n] as Variable;
    v.value = value;
    v.iface = iface;
  }
  varValue(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----
  walk(dot: GoValue, dotIface: boolean, node: Node): Signal {
    this.node = node;
    switch (node.type) {
      case NodeType.Action: {
        const val = this.evalPipeline(dot, dotIface, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return Signal.None;
      }
      case NodeType.Break:
        return Signal.Break;
      case NodeType.Continue:
        return Signal.Continue;
      case NodeType.Comment:
        return Signal.None;
      case NodeType.If:
      case NodeType.With:
        return this.walkIfOrWith(dot, dotIface, node);
      case NodeType.List:
        return this.walkList(dot, dotIface, node);
      case NodeType.Range:
        return this.walkRange(dot, dotIface, node);
      case NodeType.Template:
        this.walkTemplate(dot, dotIface, node);
        return Signal.None;
      case NodeType.Text:
        this.out += node.text;
        return Signal.None;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  walkList(dot: GoValue, dotIface: boolean, list: ListNode): Signal {
    const nodes = list.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const sig = this.walk(dot, dotIface, nodes[i] as Node);
      if (sig !== Signal.None) return sig;
    }
    return Signal.None;
  }

  walkIfOrWith(dot: GoValue, dotIface: boolean, node: BranchNode): Signal {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, dotIface, node.pipe);
      const truth = isTrue(val);
      if (truth === undefined) this.errorf(`if/with can't use ${sprintTemplateValue(val)}`);
      if (truth) {
        return node.type === NodeType.With
          ? this.walkList(val, false, node.list)
          : this.walkList(dot, dotIface, node.list);
      } else if (node.elseList !== null) {
        return this.walkList(dot, dotIface, node.elseList);
      }
      return Signal.None;
    } finally {
      this.pop(mark);
    }
  }

  walkRange(dot: GoValue, dotIface: boolean, r: BranchNode): Signal {
    this.node = r;
    const outerMark = this.mark();
    try {
      let val = this.evalPipeline(dot, dotIface, r.pipe);
      if (val instanceof GoObject && val.goType.kind === Kind.Pointer && !val.isNil()) {
        val = derefStruct(val);
      }
      const mark = this.mark();
      const decl = r.pipe.decl;
      const one = (index: GoValue, elem: GoValue, elemIface: boolean): Signal => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0]?.ident[0] as string, index, false);
            else this.setVar(decl[0]?.ident[0] as string, elem, elemIface);
          } else this.setTopVar(1, elem, elemIface);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]?.ident[0] as string, elem, elemIface);
          else this.setTopVar(2, index, false);
        }
        try {
          const sig = this.walkList(elem, elemIface, r.list);
          return sig === Signal.Continue ? Signal.None : sig;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      if (val instanceof GoInt) {
        if (decl.length > 1) {
          this.errorf(
            `can't use ${sprintTemplateValue(val)} to iterate over more than one variable`,
          );
        }
        for (let i = 0n; i < val.v; i++) {
          ran = true;
          if (one(undefined, new GoInt(val.type, i), false) === Signal.Break) break;
        }
      } else if (Array.isArray(val)) {
        const iface = elemType(val).kind === Kind.Interface;
        for (let i = 0; i < val.length; i++) {
          ran = true;
          if (one(goInt(i), val[i], iface) === Signal.Break) break;
        }
      } else if (val instanceof Uint8Array) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          if (one(goInt(i), goInt(val[i] as number, T.uint8), false) === Signal.Break) break;
        }
      } else if (val === undefined || val === null) {
        // An invalid value (or a nil map/slice) acts like an empty map.
      } else if (isGoMap(val)) {
        const iface = elemType(val).kind === Kind.Interface;
        for (const k of sortedKeys(val)) {
          ran = true;
          if (one(k, val[k], iface) === Signal.Break) break;
        }
      } else {
        this.errorf(`range can't iterate over ${sprintTemplateValue(val)}`);
      }
      if (!ran && r.elseList !== null) return this.walkList(dot, dotIface, r.elseList);
      return Signal.None;
    } finally {
      this.pop(outerMark);
    }
  }

  walkTemplate(dot: GoValue, dotIface: boolean, t: TemplateNode): void {
    this.node = t;
    const tree = this.ctx.lookup(t.name);
    if (tree === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH)
      this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, dotIface, t.pipe);
    const s: State = new State(this.ctx, t.name, newDot, this.depth + 1);
    if (tree.root === null) s.errorf(`${quote(t.name)} is an incomplete or empty template`);
    s.walkList(newDot, false, tree.root);
    this.out += s.out;
  }

  // ---- evaluation ----
  evalPipeline(dot: GoValue, dotIface: boolean, pipe: PipeNode | null): GoValue {
    if (pipe === null) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, dotIface, cmds[i] as CommandNode, value);
      // Values of interface type are unwrapped (a nil interface becomes no value at all).
      if (this.iface && value === null) value = undefined;
      this.iface = false;
    }
    const v = value as GoValue;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0] as string, v, false);
      else this.push(variable.ident[0] as string, v, false);
    }
    return v;
  }

  notAFunction(args: readonly Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as Node)}`);
    }
  }

  evalCommand(dot: GoValue, dotIface: boolean, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0] as Node;
    switch (first.type) {
      case NodeType.Field:
        return this.evalFieldNode(dot, dotIface, first, cmd.args, final);
      case NodeType.Chain:
        return this.evalChainNode(dot, dotIface, first, cmd.args, final);
      case NodeType.Identifier:
        return this.evalFunction(dot, dotIface, first, cmd, cmd.args, final);
      case NodeType.Pipe:
        this.notAFunction(cmd.args, final);
        this.iface = false;
        return this.evalPipeline(dot, dotIface, first);
      case NodeType.Variable:
        return this.evalVariableNode(dot, dotIface, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    this.iface = false;
    switch (first.type) {
      case NodeType.Bool:
        return first.value;
      case NodeType.Dot:
        this.iface = dotIface;
        return dot;
      case NodeType.Nil:
        this.errorf('nil is not a command');
      // falls through (unreachable)
      case NodeType.Number:
        return this.idealConstant(first);
      case NodeType.String:
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  idealConstant(c: NumberNode): GoValue {
    this.node = c;
    if (c.isComplex) this.errorf(`complex constants are not supported: ${c.text}`);
    if (c.isFloat && !isHexInt(c.text) && c.text[0] !== "'" && /[.eEpP]/.test(c.text))
      return c.float64;
    if (c.isInt) return new GoInt(T.int, c.int64);
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  evalFieldNode(
    dot: GoValue,
    dotIface: boolean,
    field: FieldNode,
    args: readonly Node[],
    final: Final,
  ): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dotIface, dot, dotIface, field, field.ident, args, final);
  }

  evalChainNode(
    dot: GoValue,
    dotIface: boolean,
    chain: ChainNode,
    args: readonly Node[],
    final: Final,
  ): GoValue {
    this.node = chain;
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === NodeType.Nil)
      this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, dotIface, undefined, chain.node);
    return this.evalFieldChain(dot, dotIface, pipe, this.iface, chain, chain.field, args, final);
  }

  evalVariableNode(
    dot: GoValue,
    dotIface: boolean,
    variable: VariableNode,
    args: readonly Node[],
    final: Final,
  ): GoValue {
    this.node = variable;
    const v = this.varValue(variable.ident[0] as string);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      this.iface = v.iface;
      return v.value;
    }
    return this.evalFieldChain(
      dot,
      dotIface,
      v.value,
      v.iface,
      variable,
      variable.ident.slice(1),
      args,
      final,
    );
  }

  evalFieldChain(
    dot: GoValue,
    dotIface: boolean,
    receiver0: GoValue,
    recvIface0: boolean,
    node: Node,
    ident: readonly string[],
    args: readonly Node[] | null,
    final: Final,
  ): GoValue {
    let receiver = receiver0;
    let recvIface = recvIface0;
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      receiver = this.evalField(
        dot,
        dotIface,
        ident[i] as string,
        node,
        null,
        MISSING,
        receiver,
        recvIface,
      );
      recvIface = this.iface;
    }
    return this.evalField(
      dot,
      dotIface,
      ident[n - 1] as string,
      node,
      args,
      final,
      receiver,
      recvIface,
    );
  }

  evalFunction(
    dot: GoValue,
    dotIface: boolean,
    node: IdentifierNode,
    cmd: Node,
    args: readonly Node[] | null,
    final: Final,
  ): GoValue {
    this.node = node;
    const name = node.ident;
    const fn = this.ctx.func(name);
    if (fn === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(
      dot,
      dotIface,
      fn,
      SPECIAL.has(name) && fn === BUILTINS[name],
      cmd,
      name,
      args,
      final,
    );
  }

  /** The static type name of a receiver as reflect would print it (interface {} for interface slots). */
  private receiverTypeName(receiver: GoValue, iface: boolean): string {
    if (iface) return 'interface {}';
    return typeOf(receiver)?.name ?? 'interface {}';
  }

  evalField(
    dot: GoValue,
    dotIface: boolean,
    fieldName: string,
    node: Node,
    args: readonly Node[] | null,
    final: Final,
    receiver: GoValue,
    recvIface: boolean,
  ): GoValue {
    if (receiver === undefined) {
      if (this.ctx.missingKey === MissingKey.Error)
        this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      this.iface = false;
      return undefined;
    }
    // No closure for the type name: this runs for every field access.
    if (receiver === null) {
      if (recvIface)
        this.errorf(
          `nil pointer evaluating ${this.receiverTypeName(receiver, recvIface)}.${fieldName}`,
        );
      this.errorf(
        `can't evaluate field ${fieldName} in type ${this.receiverTypeName(receiver, recvIface)}`,
      );
    }
    const method = findMethod(receiver, fieldName);
    if (method !== undefined)
      return this.evalCall(dot, dotIface, method, false, node, fieldName, args, final);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (isGoMap(receiver)) {
      const mt = typeOf(receiver) as GoType;
      if (mt.key === undefined || mt.key.kind === Kind.String) {
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        const et = mt.elem ?? T.any;
        this.iface = et.kind === Kind.Interface;
        if (Object.hasOwn(receiver, fieldName)) return receiver[fieldName];
        switch (this.ctx.missingKey) {
          case MissingKey.Invalid:
            this.iface = false;
            return undefined;
          case MissingKey.Zero:
            return zeroValue(et);
          default:
            this.errorf(`map has no entry for key ${quote(fieldName)}`);
        }
      }
    } else if (receiver instanceof GoObject) {
      const t = receiver.goType;
      const st = t.kind === Kind.Pointer ? t.elem : t;
      const f = findField(st, fieldName);
      if (f !== undefined) {
        if (t.kind === Kind.Pointer && receiver.isNil())
          this.errorf(
            `nil pointer evaluating ${this.receiverTypeName(receiver, recvIface)}.${fieldName}`,
          );
        if (!/^\p{Lu}/u.test(fieldName))
          this.errorf(
            `${fieldName} is an unexported field of struct type ${this.receiverTypeName(receiver, recvIface)}`,
          );
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        const v = receiver.field(fieldName);
        this.iface = f.type.kind === Kind.Interface;
        return v === undefined ? zeroValue(f.type) : v;
      }
      if (
        t.kind === Kind.Pointer &&
        receiver.isNil() &&
        (st?.kind !== Kind.Struct || f !== undefined)
      ) {
        this.errorf(
          `nil pointer evaluating ${this.receiverTypeName(receiver, recvIface)}.${fieldName}`,
        );
      }
    }
    this.errorf(
      `can't evaluate field ${fieldName} in type ${this.receiverTypeName(receiver, recvIface)}`,
    );
  }

  evalCall(
    dot: GoValue,
    dotIface: boolean,
    fn: GoFunc,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args0: readonly Node[] | null,
    final: Final,
  ): GoValue {
    const args = args0 !== null ? args0.slice(1) : [];
    const numParams = fn.params.length + (fn.variadic ? 1 : 0);
    let numIn = args.length;
    if (final !== MISSING) numIn++;
    let numFixed = args.length;
    if (fn.variadic) {
      numFixed = fn.params.length;
      if (numIn < numFixed) {
        this.errorf(
          `wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`,
        );
      }
    } else if (numIn !== numParams) {
      this.errorf(`wrong number of args for ${name}: want ${numParams} got ${numIn}`);
    }

    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue = undefined;
      for (const arg of args) {
        v = this.evalArg(dot, dotIface, T.reflectValue, arg);
        if ((isTrue(v) ?? false) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      this.iface = false;
      return v;
    }

    const argv: GoValue[] = new Array<GoValue>(numIn);
    let i = 0;
    for (; i < numFixed && i < args.length; i++) {
      argv[i] = this.convertArg(
        this.evalArg(dot, dotIface, fn.params[i], args[i] as Node),
        fn.params[i] as GoType,
      );
    }
    if (fn.variadic) {
      const vt = fn.variadic;
      for (; i < args.length; i++) {
        argv[i] = this.convertArg(this.evalArg(dot, dotIface, vt, args[i] as Node), vt);
      }
    }
    if (final !== MISSING) {
      let t: GoType;
      if (fn.variadic) t = numIn - 1 < numFixed ? (fn.params[numIn - 1] as GoType) : fn.variadic;
      else t = fn.params[fn.params.length - 1] as GoType;
      argv[i] = this.convertArg(this.validateType(final, false, t), t);
    }

    if (isBuiltin && name === 'call') {
      const calleeName =
        args.length === 0 ? sprintTemplateValue(final as GoValue) : nodeString(args[0] as Node);
      argv.unshift(calleeName);
    }

    let raw: GoValue | bigint;
    try {
      raw = fn.call(...argv);
    } catch (e) {
      this.node = node;
      if (e instanceof DeepRecursion) {
        e.frames.push(`${this.errorPrefix()}error calling ${name}: `);
        throw e;
      }
      if (e instanceof RangeError && e.message.includes('call stack')) throw new DeepRecursion();
      if (e instanceof GoError || e instanceof ExecError || (e instanceof Error && isGoPanic(e))) {
        this.errorf(`error calling ${name}: ${e.message}`, e);
      }
      throw e;
    }
    const rt = fn.result;
    let result: GoValue;
    if (typeof raw === 'bigint') result = goInt(raw, rt.kind === Kind.Interface ? T.int : rt);
    else if (typeof raw === 'number' && (isIntKind(rt.kind) || isUnsignedKind(rt.kind)))
      result = goInt(raw, rt);
    else result = raw;
    // A nil result of interface type (or a reflect.Value holding one) is unwrapped by the pipeline.
    this.iface = rt.kind === Kind.Interface || (rt === T.reflectValue && result === null);
    return result;
  }

  /** Int-kind parameters reach implementations as JS numbers. */
  private convertArg(v: GoValue, t: GoType): GoValue {
    if (v instanceof GoInt && (isIntKind(t.kind) || isUnsignedKind(t.kind))) {
      const n = Number(v.v);
      return Number.isSafeInteger(n) ? n : v;
    }
    return v;
  }

  validateType(value: GoValue, iface: boolean, typ: GoType | undefined): GoValue {
    if (value === undefined) {
      if (typ === undefined) return undefined;
      if (typ === T.reflectValue) return undefined;
      if (canBeNil(typ)) return null;
      this.errorf(`invalid value; expected ${typ.name}`);
    }
    if (typ === undefined || typ === T.reflectValue || typ === T.any) return value;
    if (value === null) {
      if (iface) {
        if (typ.kind === Kind.Interface) return value;
        this.errorf(`wrong type for value; expected ${typ.name}; got interface {}`);
      }
      if (canBeNil(typ)) return null;
      this.errorf(`invalid value; expected ${typ.name}`);
    }
    const vt = typeOf(value) as GoType;
    if (vt === typ || assignable(vt, typ)) return value;
    if (
      vt.kind === Kind.Pointer &&
      value instanceof GoObject &&
      vt.elem &&
      assignable(vt.elem, typ)
    ) {
      if (value.isNil()) this.errorf(`dereference of nil pointer of type ${typ.name}`);
      return derefStruct(value);
    }
    if (
      typ.kind === Kind.Pointer &&
      typ.elem &&
      assignable(vt, typ.elem) &&
      value instanceof GoStruct
    ) {
      return new GoStruct(typ, value.values);
    }
    this.errorf(`wrong type for value; expected ${typ.name}; got ${vt.name}`);
  }

  evalArg(dot: GoValue, dotIface: boolean, typ: GoType | undefined, n: Node): GoValue {
    this.node = n;
    switch (n.type) {
      case NodeType.Dot:
        return this.validateType(dot, dotIface, typ);
      case NodeType.Nil:
        if (typ !== undefined && canBeNil(typ)) return typ === T.reflectValue ? undefined : null;
        this.errorf(`cannot assign nil to ${typ?.name ?? '<nil>'}`);
      // falls through (unreachable)
      case NodeType.Field: {
        const v = this.evalFieldNode(dot, dotIface, n, [n], MISSING);
        return this.validateType(v, this.iface, typ);
      }
      case NodeType.Variable: {
        const v = this.evalVariableNode(dot, dotIface, n, [], MISSING);
        return this.validateType(v, this.iface, typ);
      }
      case NodeType.Pipe: {
        const v = this.evalPipeline(dot, dotIface, n);
        this.iface = false;
        return this.validateType(v, false, typ);
      }
      case NodeType.Identifier: {
        const v = this.evalFunction(dot, dotIface, n, n, null, MISSING);
        return this.validateType(v, this.iface, typ);
      }
      case NodeType.Chain: {
        const v = this.evalChainNode(dot, dotIface, n, [], MISSING);
        return this.validateType(v, this.iface, typ);
      }
    }
    this.iface = false;
    const t = typ as GoType;
    switch (t.kind) {
      case Kind.Bool:
        if (n.type === NodeType.Bool) return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through (unreachable)
      case Kind.Complex128:
        this.errorf(`expected complex; found ${nodeString(n)}`);
      // falls through (unreachable)
      case Kind.Float32:
      case Kind.Float64:
        if (n.type === NodeType.Number && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through (unreachable)
      case Kind.Int:
      case Kind.Int8:
      case Kind.Int16:
      case Kind.Int32:
      case Kind.Int64:
        if (n.type === NodeType.Number && n.isInt) return goInt(n.int64, t);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through (unreachable)
      case Kind.Interface:
        if ((t.methods ?? []).length === 0) return this.evalEmptyInterface(dot, dotIface, n);
        break;
      case Kind.Struct:
        if (t === T.reflectValue) return this.evalEmptyInterface(dot, dotIface, n);
        break;
      case Kind.String:
        if (n.type === NodeType.String) return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through (unreachable)
      case Kind.Uint:
      case Kind.Uint8:
      case Kind.Uint16:
      case Kind.Uint32:
      case Kind.Uint64:
      case Kind.Uintptr:
        if (n.type === NodeType.Number && n.isUint) return goInt(n.uint64, t);
        this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${t.name}`);
  }

  evalEmptyInterface(dot: GoValue, dotIface: boolean, n: Node): GoValue {
    this.node = n;
    switch (n.type) {
      case NodeType.Bool:
        return n.value;
      case NodeType.Dot:
        return dot;
      case NodeType.Number:
        return this.idealConstant(n);
      case NodeType.String:
        return n.text;
    }
    void dotIface;
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  printValue(n: Node, v: GoValue): void {
    this.node = n;
    if (typeof v === 'string') {
      this.out += v;
      return;
    }
    if (v === undefined) {
      this.out += '<no value>';
      return;
    }
    this.out += sprintTemplateValue(v instanceof GoObject ? printable(v) : v);
  }
}

/** Pointers print as what they point to (a nil pointer prints <nil>). */
function printable(v: GoObject): GoValue {
  if (v.goType.kind === Kind.Pointer && !v.isNil()) {
    // A pointer whose type has a String method keeps it; otherwise the struct is printed.
    return findMethod(v, 'String') !== undefined || findMethod(v, 'Error') !== undefined
      ? v
      : derefStruct(v);
  }
  return v;
}

/** Errors thrown by built-in implementations that Go would report as a panic inside the call. */
function isGoPanic(e: Error): boolean {
  return e.name === 'GoPanic';
}

/** Executes the tree `tree` (named `name`) with `data` as dot; returns its output. */
export function executeTree(
  ctx: ExecContext,
  name: string,
  tree: Tree | undefined,
  data: GoValue,
): string {
  const s: State = new State(ctx, name, data, 0);
  if (tree === undefined || tree.root === null) {
    s.errorf(`${quote(name)} is an incomplete or empty template`);
  }
  s.walkList(data, false, tree.root);
  return s.out;
}
