// The parse tree of a Go template (text/template/parse/node.go), with String() as Go prints nodes in errors.
import { quote } from './strconv.js';

export const NodeType = {
  Text: 0,
  Action: 1,
  Bool: 2,
  Chain: 3,
  Command: 4,
  Dot: 5,
  Else: 6,
  End: 7,
  Field: 8,
  Identifier: 9,
  If: 10,
  List: 11,
  Nil: 12,
  Number: 13,
  Pipe: 14,
  Range: 15,
  String: 16,
  Template: 17,
  Variable: 18,
  With: 19,
  Comment: 20,
  Break: 21,
  Continue: 22,
} as const;
export type NodeType = (typeof NodeType)[keyof typeof NodeType];

/** A parsed template: its name, the text it came from (for error positions) and its root list. */
export interface Tree {
  name: string;
  parseName: string;
  root: ListNode | null;
  text: string;
}

interface Base {
  readonly pos: number;
  readonly tree: Tree;
}

export interface ListNode extends Base {
  readonly type: typeof NodeType.List;
  readonly nodes: Node[];
}
export interface TextNode extends Base {
  readonly type: typeof NodeType.Text;
  readonly text: string;
}
export interface CommentNode extends Base {
  readonly type: typeof NodeType.Comment;
  readonly text: string;
}
export interface PipeNode extends Base {
  readonly type: typeof NodeType.Pipe;
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface ActionNode extends Base {
  readonly type: typeof NodeType.Action;
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface CommandNode extends Base {
  readonly type: typeof NodeType.Command;
  readonly args: Node[];
}
export interface IdentifierNode extends Base {
  readonly type: typeof NodeType.Identifier;
  readonly ident: string;
}
export interface VariableNode extends Base {
  readonly type: typeof NodeType.Variable;
  readonly ident: string[];
}
export interface DotNode extends Base {
  readonly type: typeof NodeType.Dot;
}
export interface NilNode extends Base {
  readonly type: typeof NodeType.Nil;
}
export interface FieldNode extends Base {
  readonly type: typeof NodeType.Field;
  readonly ident: string[];
}
export interface ChainNode extends Base {
  readonly type: typeof NodeType.Chain;
  readonly node: Node;
  readonly field: string[];
}
export interface BoolNode extends Base {
  readonly type: typeof NodeType.Bool;
  readonly value: boolean;
}
export interface NumberNode extends Base {
  readonly type: typeof NodeType.Number;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  readonly text: string;
}
export interface StringNode extends Base {
  readonly type: typeof NodeType.String;
  readonly quoted: string;
  readonly text: string;
}
export interface EndNode extends Base {
  readonly type: typeof NodeType.End;
}
export interface ElseNode extends Base {
  readonly type: typeof NodeType.Else;
  readonly line: number;
}
export interface BranchNode extends Base {
  readonly type: typeof NodeType.If | typeof NodeType.Range | typeof NodeType.With;
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  readonly type: typeof NodeType.Template;
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}
export interface BreakNode extends Base {
  readonly type: typeof NodeType.Break;
  readonly line: number;
}
export interface ContinueNode extends Base {
  readonly type: typeof NodeType.Continue;
  readonly line: number;
}

export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | PipeNode
  | ActionNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | EndNode
  | ElseNode
  | BranchNode
  | TemplateNode
  | BreakNode
  | ContinueNode;

function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length > 0) {
    s += p.decl.map((v) => v.ident.join('.')).join(', ');
    s += p.isAssign ? ' = ' : ' := ';
  }
  s += p.cmds.map((c) => nodeString(c)).join(' | ');
  return s;
}

/** The node's text as Go's Node.String() writes it. */
export function nodeString(n: Node): string {
  switch (n.type) {
    case NodeType.List:
      return n.nodes.map(nodeString).join('');
    case NodeType.Text:
      return n.text;
    case NodeType.Comment:
      return '{{' + n.text + '}}';
    case NodeType.Pipe:
      return pipeString(n);
    case NodeType.Action:
      return '{{' + pipeString(n.pipe) + '}}';
    case NodeType.Command:
      return n.args
        .map((a) => (a.type === NodeType.Pipe ? '(' + pipeString(a) + ')' : nodeString(a)))
        .join(' ');
    case NodeType.Identifier:
      return n.ident;
    case NodeType.Variable:
      return n.ident.join('.');
    case NodeType.Dot:
      return '.';
    case NodeType.Nil:
      return 'nil';
    case NodeType.Field:
      return n.ident.map((i) => '.' + i).join('');
    case NodeType.Chain: {
      const head =
        n.node.type === NodeType.Pipe ? '(' + pipeString(n.node) + ')' : nodeString(n.node);
      return head + n.field.map((f) => '.' + f).join('');
    }
    case NodeType.Bool:
      return n.value ? 'true' : 'false';
    case NodeType.Number:
      return n.text;
    case NodeType.String:
      return n.quoted;
    case NodeType.End:
      return '{{end}}';
    case NodeType.Else:
      return '{{else}}';
    case NodeType.If:
    case NodeType.Range:
    case NodeType.With: {
      const name = n.type === NodeType.If ? 'if' : n.type === NodeType.Range ? 'range' : 'with';
      let s = '{{' + name + ' ' + pipeString(n.pipe) + '}}' + nodeString(n.list);
      if (n.elseList) s += '{{else}}' + nodeString(n.elseList);
      return s + '{{end}}';
    }
    case NodeType.Template:
      return '{{template ' + quote(n.name) + (n.pipe ? ' ' + pipeString(n.pipe) : '') + '}}';
    case NodeType.Break:
      return '{{break}}';
    case NodeType.Continue:
      return '{{continue}}';
  }
}

/** Text made only of what Go's unicode.IsSpace counts as space. */
const GO_SPACE_ONLY =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Whether a tree holds nothing but space and comments (parse.IsEmptyTree). */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case NodeType.Comment:
      return true;
    case NodeType.List:
      return n.nodes.every(isEmptyTree);
    case NodeType.Text:
      return GO_SPACE_ONLY.test(n.text);
    default:
      return false;
  }
}
