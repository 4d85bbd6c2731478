// gqlparser's schema validation (validator.ValidateSchemaDocument) over gqlparser-shaped documents.
import { PRELUDE_SDL } from './gql-prelude.js';
import { parseSchemaText } from './gql-parse.js';
import type {
  GqlArgumentDefinition,
  GqlDefinition,
  GqlDirective,
  GqlDirectiveDefinition,
  GqlPosition,
  GqlSchemaDocument,
  GqlType,
} from './gql-shape.js';
import { typeName, typeText } from './gql-shape.js';

/** A schema validation failure with gqlparser's wording. */
export class GqlValidationError extends Error {
  constructor(
    readonly detail: string,
    readonly position: GqlPosition | undefined,
  ) {
    super(detail);
  }
}

/** The validated schema: every type (prelude included), directive and root operation type. */
export interface GqlSchema {
  readonly types: ReadonlyMap<string, GqlDefinition>;
  readonly directives: ReadonlyMap<string, GqlDirectiveDefinition>;
  readonly roots: Readonly<Record<'query' | 'mutation' | 'subscription', string | undefined>>;
}

let prelude: GqlSchemaDocument | undefined;

function preludeDocument(): GqlSchemaDocument {
  if (prelude === undefined) {
    const doc = parseSchemaText(PRELUDE_SDL);
    for (const d of doc.Definitions ?? []) d.BuiltIn = true;
    prelude = doc;
  }
  return prelude;
}

function fail(pos: GqlPosition | undefined, msg: string): never {
  throw new GqlValidationError(msg, pos);
}

const quote = (s: string): string => JSON.stringify(s);

function validateName(pos: GqlPosition | undefined, name: string): void {
  if (name.startsWith('__')) {
    fail(
      pos,
      `Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`,
    );
  }
}

interface Ctx {
  readonly types: Map<string, GqlDefinition>;
  readonly directives: Map<string, GqlDirectiveDefinition>;
  readonly possibleTypes: Map<string, GqlDefinition[]>;
}

function validateTypeRef(ctx: Ctx, t: GqlType | undefined): void {
  if (!ctx.types.has(typeName(t))) fail(t?.Position, `Undefined type ${typeName(t)}.`);
}

function isInputKind(kind: string | undefined): boolean {
  return kind === 'SCALAR' || kind === 'ENUM' || kind === 'INPUT_OBJECT';
}

function validateDirectives(
  ctx: Ctx,
  dirs: readonly GqlDirective[] | undefined,
  location: string,
  current: GqlDirectiveDefinition | undefined,
): void {
  for (const d of dirs ?? []) {
    const name = d.Name ?? '';
    validateName(d.Position, name);
    if (current !== undefined && name === current.Name) {
      fail(d.Position, `Directive ${name} cannot refer to itself.`);
    }
    const def = ctx.directives.get(name);
    if (def === undefined) fail(d.Position, `Undefined directive ${name}.`);
    if (!(def.Locations ?? []).includes(location)) {
      fail(d.Position, `Directive ${name} is not applicable on ${location}.`);
    }
  }
}

function validateArgs(
  ctx: Ctx,
  args: readonly GqlArgumentDefinition[] | undefined,
  current: GqlDirectiveDefinition | undefined,
): void {
  for (const a of args ?? []) {
    const name = a.Name ?? '';
    validateName(a.Position, name);
    validateTypeRef(ctx, a.Type);
    const def = ctx.types.get(typeName(a.Type));
    if (!isInputKind(def?.Kind)) {
      fail(
        a.Position,
        `cannot use ${typeText(a.Type)} as argument ${name} because ${def?.Kind ?? ''} is not a valid input type`,
      );
    }
    validateDirectives(ctx, a.Directives, 'ARGUMENT_DEFINITION', current);
  }
}

/** gqlparser Type.IsCompatible. */
function isCompatible(a: GqlType | undefined, b: GqlType | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if ((a.NamedType ?? '') !== (b.NamedType ?? '')) return false;
  if (a.Elem !== undefined && b.Elem === undefined) return false;
  if (a.Elem !== undefined && !isCompatible(a.Elem, b.Elem)) return false;
  if (b.NonNull === true) return a.NonNull === true;
  return true;
}

function isCovariant(
  ctx: Ctx,
  required: GqlType | undefined,
  actual: GqlType | undefined,
): boolean {
  if (required === undefined || actual === undefined) return false;
  if (required.NonNull === true && actual.NonNull !== true) return false;
  if ((required.NamedType ?? '') !== '') {
    if (required.NamedType === actual.NamedType) return true;
    return (ctx.possibleTypes.get(required.NamedType ?? '') ?? []).some(
      (p) => p.Name === actual.NamedType,
    );
  }
  if (required.Elem !== undefined && actual.Elem === undefined) return false;
  return isCovariant(ctx, required.Elem, actual.Elem);
}

function validateImplements(ctx: Ctx, def: GqlDefinition, intfName: string): void {
  const intf = ctx.types.get(intfName);
  if (intf === undefined) fail(def.Position, `Undefined type ${quote(intfName)}.`);
  if (intf.Kind !== 'INTERFACE')
    fail(def.Position, `${quote(intfName)} is a non interface type ${intf.Kind ?? ''}.`);
  // The spec's transitive rule (OPA rejects a type implementing IIA without IA when IIA implements IA).
  for (const transitive of intf.Interfaces ?? []) {
    if (!(def.Interfaces ?? []).includes(transitive)) {
      fail(
        def.Position,
        `Type ${def.Name ?? ''} must implement ${transitive} because it is implemented by ${intfName}.`,
      );
    }
  }
  const who = `For ${def.Name ?? ''} to implement ${intf.Name ?? ''}`;
  for (const req of intf.Fields ?? []) {
    const found = (def.Fields ?? []).find((f) => f.Name === req.Name);
    if (found === undefined)
      fail(def.Position, `${who} it must have a field called ${req.Name ?? ''}.`);
    if (!isCovariant(ctx, req.Type, found.Type)) {
      fail(
        found.Position,
        `${who} the field ${req.Name ?? ''} must have type ${typeText(req.Type)}.`,
      );
    }
    for (const reqArg of req.Arguments ?? []) {
      const arg = (found.Arguments ?? []).find((a) => a.Name === reqArg.Name);
      if (arg === undefined) {
        fail(
          found.Position,
          `${who} the field ${req.Name ?? ''} must have the same arguments but it is missing ${reqArg.Name ?? ''}.`,
        );
      }
      if (!isCompatible(reqArg.Type, arg.Type)) {
        fail(
          arg.Position,
          `${who} the field ${req.Name ?? ''} must have the same arguments but ${reqArg.Name ?? ''} has the wrong type.`,
        );
      }
    }
    for (const arg of found.Arguments ?? []) {
      const declared = (req.Arguments ?? []).some((a) => a.Name === arg.Name);
      if (!declared && arg.Type?.NonNull === true && arg.DefaultValue === undefined) {
        fail(
          arg.Position,
          `${who} any additional arguments on ${found.Name ?? ''} must be optional or have a default value but ${arg.Name ?? ''} is required.`,
        );
      }
    }
  }
}

const OUTPUT_FIELD_KINDS = ['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM'];
const INPUT_FIELD_KINDS = ['SCALAR', 'ENUM', 'INPUT_OBJECT'];

function validateDefinition(ctx: Ctx, def: GqlDefinition): void {
  const kind = def.Kind ?? '';
  for (const f of def.Fields ?? []) {
    validateName(f.Position, f.Name ?? '');
    validateTypeRef(ctx, f.Type);
    validateArgs(ctx, f.Arguments, undefined);
    validateDirectives(ctx, f.Directives, 'FIELD_DEFINITION', undefined);
  }
  for (const t of def.Types ?? []) {
    const member = ctx.types.get(t);
    if (member === undefined) fail(def.Position, `Undefined type ${quote(t)}.`);
    if (member.Kind !== 'OBJECT') fail(def.Position, `${kind} type ${quote(t)} must be OBJECT.`);
  }
  for (const i of def.Interfaces ?? []) validateImplements(ctx, def, i);
  const checkFieldKinds = (allowed: readonly string[]): void => {
    for (const f of def.Fields ?? []) {
      const t = ctx.types.get(typeName(f.Type));
      if (t !== undefined && !allowed.includes(t.Kind ?? '')) {
        fail(f.Position, `${kind} field must be one of ${allowed.join(', ')}.`);
      }
    }
  };
  switch (kind) {
    case 'OBJECT':
    case 'INTERFACE':
      if ((def.Fields ?? []).length === 0)
        fail(def.Position, `${kind} must define one or more fields.`);
      checkFieldKinds(OUTPUT_FIELD_KINDS);
      break;
    case 'ENUM':
      if ((def.EnumValues ?? []).length === 0) {
        fail(def.Position, `${kind} must define one or more unique enum values.`);
      }
      break;
    case 'INPUT_OBJECT':
      if ((def.Fields ?? []).length === 0)
        fail(def.Position, `${kind} must define one or more input fields.`);
      checkFieldKinds(INPUT_FIELD_KINDS);
      break;
  }
  const fields = def.Fields ?? [];
  for (let i = 0; i < fields.length; i++) {
    for (const f2 of fields.slice(i + 1)) {
      if (fields[i]!.Name === f2.Name) {
        fail(f2.Position, `Field ${def.Name ?? ''}.${f2.Name ?? ''} can only be defined once.`);
      }
    }
  }
  if (def.BuiltIn !== true) validateName(def.Position, def.Name ?? '');
  validateDirectives(ctx, def.Directives, kind, undefined);
}

/** Copies a definition so merging extensions never changes the caller's document. */
function copyDefinition(d: GqlDefinition): GqlDefinition {
  return {
    ...d,
    Directives: [...(d.Directives ?? [])],
    Interfaces: [...(d.Interfaces ?? [])],
    Fields: [...(d.Fields ?? [])],
    Types: [...(d.Types ?? [])],
    EnumValues: [...(d.EnumValues ?? [])],
  };
}

/** Merges the prelude into DOC and validates the result as gqlparser does; throws GqlValidationError. */
export function validateSchemaDocument(doc: GqlSchemaDocument): GqlSchema {
  const base = preludeDocument();
  const definitions = [...(base.Definitions ?? []), ...(doc.Definitions ?? [])].map(copyDefinition);
  const directiveDefs = [...(base.Directives ?? []), ...(doc.Directives ?? [])];
  const ctx: Ctx = { types: new Map(), directives: new Map(), possibleTypes: new Map() };
  for (const def of definitions) {
    const name = def.Name ?? '';
    if (ctx.types.has(name)) fail(def.Position, `Cannot redeclare type ${name}.`);
    ctx.types.set(name, def);
  }
  const defs = [...definitions];
  for (const ext of doc.Extensions ?? []) {
    const name = ext.Name ?? '';
    let def = ctx.types.get(name);
    if (def === undefined) {
      // gqlparser lets an extension stand in for a type defined elsewhere (federation).
      def = copyDefinition({
        Kind: ext.Kind ?? '',
        Name: name,
        ...(ext.Position ? { Position: ext.Position } : {}),
      });
      ctx.types.set(name, def);
      defs.push(def);
    }
    if (def.Kind !== ext.Kind) {
      fail(
        ext.Position,
        `Cannot extend type ${name} because the base type is a ${def.Kind ?? ''}, not ${ext.Kind ?? ''}.`,
      );
    }
    def.Directives!.push(...(ext.Directives ?? []));
    def.Interfaces!.push(...(ext.Interfaces ?? []));
    def.Fields!.push(...(ext.Fields ?? []));
    def.Types!.push(...(ext.Types ?? []));
    def.EnumValues!.push(...(ext.EnumValues ?? []));
  }
  const addPossible = (name: string, def: GqlDefinition | undefined): void => {
    if (def === undefined) return;
    const list = ctx.possibleTypes.get(name) ?? [];
    list.push(def);
    ctx.possibleTypes.set(name, list);
  };
  for (const def of defs) {
    if (def.Kind === 'UNION') {
      for (const t of def.Types ?? []) addPossible(def.Name ?? '', ctx.types.get(t));
    } else if (def.Kind === 'OBJECT' || def.Kind === 'INPUT_OBJECT') {
      for (const i of def.Interfaces ?? []) addPossible(i, def);
      addPossible(def.Name ?? '', def);
    }
  }
  for (const dir of directiveDefs) {
    const name = dir.Name ?? '';
    if (ctx.directives.has(name)) fail(dir.Position, `Cannot redeclare directive ${name}.`);
    ctx.directives.set(name, dir);
  }
  const schemas = doc.Schema ?? [];
  if (schemas.length > 1) {
    fail(
      schemas[1]!.Position,
      'Cannot have multiple schema entry points, consider schema extensions instead.',
    );
  }
  const roots: Record<'query' | 'mutation' | 'subscription', string | undefined> = {
    query: undefined,
    mutation: undefined,
    subscription: undefined,
  };
  for (const s of [...schemas, ...(doc.SchemaExtension ?? [])]) {
    for (const op of s.OperationTypes ?? []) {
      const type = op.Type ?? '';
      if (!ctx.types.has(type)) {
        fail(
          op.Position,
          `Schema root ${op.Operation ?? ''} refers to a type ${type} that does not exist.`,
        );
      }
      if (
        op.Operation === 'query' ||
        op.Operation === 'mutation' ||
        op.Operation === 'subscription'
      ) {
        roots[op.Operation] = type;
      }
    }
  }
  for (const def of ctx.types.values()) validateDefinition(ctx, def);
  for (const dir of ctx.directives.values()) {
    validateName(dir.Position, dir.Name ?? '');
    validateArgs(ctx, dir.Arguments, dir);
  }
  if (roots.query === undefined && ctx.types.has('Query')) roots.query = 'Query';
  if (roots.mutation === undefined && ctx.types.has('Mutation')) roots.mutation = 'Mutation';
  if (roots.subscription === undefined && ctx.types.has('Subscription'))
    roots.subscription = 'Subscription';
  return { types: ctx.types, directives: ctx.directives, roots };
}
