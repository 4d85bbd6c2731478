// The constraint framework client: templates compiled by their engine, constraints validated
// against their kind, synced data (`data.inventory` and the Namespace cache), and review of an
// admission request or an object against every matching constraint — Gatekeeper's
// frameworks/constraint Client for the admission.k8s.gatekeeper.sh target.
import { fromJS, objectFromRecord, type Value } from '../rego/index.js';
import { compileCelTemplate } from './cel-driver.js';
import { Engine, EnforcementAction, TARGET_NAME, type EnforcementPoint } from './constants.js';
import { constraintIdentity, parseConstraint, type Constraint } from './constraint.js';
import { constraintCrd } from './constraint-crd.js';
import { GatekeeperError, GatekeeperReason } from './errors.js';
import { Inventory } from './inventory.js';
import { matches, MatchError, isNamespaceObject } from './match.js';
import { asString, field, type JsonObject } from './object-access.js';
import { compileRegoTemplate } from './rego-driver.js';
import { objectsOf, requestOf, reviewInput, type ReviewSubject } from './review.js';
import {
  codeFor,
  DEFAULT_ENGINES,
  engineFor,
  parseConstraintTemplate,
  type ConstraintTemplate,
} from './template.js';

/** One violation (or autoreject) of one constraint. */
export interface ReviewResult {
  readonly target: string;
  readonly msg: string;
  /** `details` of a Rego violation (`{}` when none) */
  readonly details: unknown;
  readonly constraint: Constraint;
  /** The constraint's `enforcementAction` (`scoped` for scoped constraints). */
  readonly enforcementAction: string;
  /** For scoped constraints: the actions that apply at this enforcement point, sorted. */
  readonly scopedActions: readonly string[];
}

/** What an engine evaluates for one constraint. */
export interface EngineInput {
  /** The admission request in Go's form. */
  readonly request: Readonly<JsonObject>;
  /** `input.review` as a Rego value (built once per review). */
  review(): Value;
  readonly namespace: Readonly<JsonObject> | undefined;
  readonly constraint: Constraint;
  /** `data` for Rego: `{inventory}`. */
  data(): Value;
}

/** A compiled template for one engine. */
export interface TemplateProgram {
  readonly engine: Engine;
  evaluate(input: EngineInput): { msg: string; details: unknown }[];
}

interface TemplateEntry {
  readonly template: ConstraintTemplate;
  readonly program: TemplateProgram;
  readonly crd: Record<string, unknown>;
  readonly constraints: Map<string, ConstraintEntry>;
}

interface ConstraintEntry {
  readonly constraint: Constraint;
  readonly parameters: Value;
}

export interface ClientOptions {
  /** Engines in order of preference. @default K8sNativeValidation, then Rego (Gatekeeper's) */
  readonly engines?: readonly Engine[];
}

export interface ReviewOptions {
  /** Where this review enforces (selects scoped enforcement actions). */
  readonly enforcementPoint: EnforcementPoint;
}

/** Compiles a template for an engine. */
export function compileTemplate(template: ConstraintTemplate, engine: Engine): TemplateProgram {
  const source = codeFor(template, engine) ?? {};
  if (engine === Engine.Rego) {
    const rego = compileRegoTemplate(template.name, source);
    return {
      engine,
      evaluate: (input) =>
        rego.evaluate(
          objectFromRecord({ review: input.review(), parameters: paramsOf(input) }),
          input.data(),
        ),
    };
  }
  return compileCelTemplate(template, source);
}

const paramsCache = new WeakMap<Constraint, Value>();
function paramsOf(input: EngineInput): Value {
  let v = paramsCache.get(input.constraint);
  if (v === undefined) {
    v = fromJS(input.constraint.parameters);
    paramsCache.set(input.constraint, v);
  }
  return v;
}

export class ConstraintClient {
  private readonly templates = new Map<string, TemplateEntry>();
  private readonly inventory = new Inventory();
  private readonly namespaces = new Map<string, JsonObject>();
  private readonly engines: readonly Engine[];

  constructor(options: ClientOptions = {}) {
    this.engines = options.engines ?? DEFAULT_ENGINES;
  }

  /** Checks a template and builds its constraint CRD without adding it (the webhook's check). */
  createCrd(obj: unknown): Record<string, unknown> {
    return constraintCrd(parseConstraintTemplate(obj));
  }

  /** Checks that a template parses, compiles and yields a constraint kind, without adding it. */
  checkTemplate(obj: unknown): ConstraintTemplate {
    const template = parseConstraintTemplate(obj);
    compileTemplate(template, engineFor(template, this.engines));
    constraintCrd(template);
    return template;
  }

  /** Adds or replaces a template; its constraints are kept and re-validated. */
  addTemplate(obj: unknown): ConstraintTemplate {
    const template = parseConstraintTemplate(obj);
    const program = compileTemplate(template, engineFor(template, this.engines));
    const old = this.templates.get(template.kind.toLowerCase());
    const entry: TemplateEntry = {
      template,
      program,
      crd: constraintCrd(template),
      constraints: new Map(),
    };
    this.templates.set(template.kind.toLowerCase(), entry);
    for (const c of old?.constraints.values() ?? []) {
      try {
        this.addConstraint(c.constraint.object);
      } catch {
        // a constraint the new schema rejects stops being enforced, as in Gatekeeper
      }
    }
    return template;
  }

  removeTemplate(name: string): boolean {
    return this.templates.delete(name.toLowerCase());
  }

  /** The template that defines a kind, if added. */
  template(kind: string): ConstraintTemplate | undefined {
    return this.templates.get(kind.toLowerCase())?.template;
  }

  /** The generated CRD of a template's kind. */
  crdFor(kind: string): Record<string, unknown> | undefined {
    return this.templates.get(kind.toLowerCase())?.crd;
  }

  listTemplates(): ConstraintTemplate[] {
    return [...this.templates.values()].map((t) => t.template);
  }

  /** Validates a constraint against its template without adding it. */
  validateConstraint(obj: unknown): Constraint {
    const { kind } = constraintIdentity(obj);
    const entry = this.templates.get(kind.toLowerCase());
    if (entry === undefined) {
      throw new GatekeeperError(
        GatekeeperReason.MissingTemplate,
        `template ${JSON.stringify(kind.toLowerCase())} not found`,
      );
    }
    return parseConstraint(obj, entry.template);
  }

  /** Adds or replaces a constraint; throws GatekeeperError when it is invalid. */
  addConstraint(obj: unknown): Constraint {
    const constraint = this.validateConstraint(obj);
    const entry = this.templates.get(constraint.kind.toLowerCase()) as TemplateEntry;
    entry.constraints.set(constraint.name, {
      constraint,
      parameters: fromJS(constraint.parameters),
    });
    return constraint;
  }

  removeConstraint(kind: string, name: string): boolean {
    return this.templates.get(kind.toLowerCase())?.constraints.delete(name) ?? false;
  }

  listConstraints(): Constraint[] {
    const out: Constraint[] = [];
    for (const t of this.sortedTemplates())
      for (const c of [...t.constraints.values()].sort((a, b) =>
        cmp(a.constraint.name, b.constraint.name),
      ))
        out.push(c.constraint);
    return out;
  }

  /** Adds a synced object to `data.inventory` (and Namespaces to the match cache). */
  addData(obj: Readonly<JsonObject>): void {
    if (!this.inventory.add(obj)) {
      throw new GatekeeperError(
        GatekeeperReason.InvalidConstraint,
        `resource ${asString(field(obj, 'metadata', 'name'))} has no version, kind or name`,
      );
    }
    if (isNamespaceObject(obj)) this.namespaces.set(asString(field(obj, 'metadata', 'name')), obj);
  }

  removeData(obj: Readonly<JsonObject>): void {
    this.inventory.remove(obj);
    if (isNamespaceObject(obj)) this.namespaces.delete(asString(field(obj, 'metadata', 'name')));
  }

  /** Removes every synced object. */
  wipeData(): void {
    this.inventory.clear();
    this.namespaces.clear();
  }

  get inventorySize(): number {
    return this.inventory.size;
  }

  /** A synced Namespace by name. */
  namespace(name: string): JsonObject | undefined {
    return this.namespaces.get(name);
  }

  /**
   * Reviews a request or object against every constraint that matches it. Results are sorted by
   * constraint kind and name; a constraint whose match cannot be decided yields an autoreject.
   */
  review(subject: ReviewSubject, options: ReviewOptions): ReviewResult[] {
    const request = requestOf(subject);
    const nsName = asString(request['namespace']);
    const namespace =
      subject.namespace ?? (nsName === '' ? undefined : this.namespaces.get(nsName));
    const objects = objectsOf(request);
    if (objects.length === 0) {
      throw new GatekeeperError(
        GatekeeperReason.InvalidConstraint,
        'unable to review: neither object nor old object are defined',
      );
    }
    let reviewValue: Value | undefined;
    let dataValue: Value | undefined;
    const out: ReviewResult[] = [];
    for (const t of this.sortedTemplates()) {
      for (const c of [...t.constraints.values()].sort((a, b) =>
        cmp(a.constraint.name, b.constraint.name),
      )) {
        const scoped = scopedActions(c.constraint, options.enforcementPoint);
        if (scoped === undefined) continue;
        const base = {
          target: TARGET_NAME,
          constraint: c.constraint,
          enforcementAction: c.constraint.enforcementAction,
          scopedActions: scoped,
        };
        let matched: boolean;
        try {
          matched = objects.some((o) => matches(c.constraint.match, { object: o, namespace }));
        } catch (err) {
          if (!(err instanceof MatchError)) throw err;
          const name = asString(field(objects[0], 'metadata', 'name'));
          out.push({
            ...base,
            msg: `unable to match constraints: error matching the requested object: ${name} :failed to run Match criteria: ${err.message}`,
            details: {},
          });
          continue;
        }
        if (!matched) continue;
        const input: EngineInput = {
          request,
          namespace,
          constraint: c.constraint,
          // namespaceObject is the Namespace the caller gave (webhook, audit), not the cache's
          review: () => (reviewValue ??= fromJS(reviewInput(request, subject.namespace))),
          data: () => (dataValue ??= this.dataValue()),
        };
        for (const v of evaluateSafely(t.program, input)) out.push({ ...base, ...v });
      }
    }
    return out;
  }

  private dataValue(): Value {
    return objectFromRecord({ inventory: this.inventory.value() });
  }

  private sortedTemplates(): TemplateEntry[] {
    return [...this.templates.values()].sort((a, b) => cmp(a.template.kind, b.template.kind));
  }
}

/** An engine error becomes the constraint's result, as Gatekeeper reports query errors. */
function evaluateSafely(
  program: TemplateProgram,
  input: EngineInput,
): { msg: string; details: unknown }[] {
  try {
    return program.evaluate(input);
  } catch (err) {
    return [{ msg: err instanceof Error ? err.message : String(err), details: {} }];
  }
}

/**
 * The scoped actions of a constraint at an enforcement point: [] for a non-scoped constraint,
 * the sorted actions that list this point (or `*`) for a scoped one, and undefined when a scoped
 * constraint does not apply here (it is not evaluated).
 */
export function scopedActions(c: Constraint, point: EnforcementPoint): string[] | undefined {
  if (c.enforcementAction !== EnforcementAction.Scoped) return [];
  const actions = new Set<string>();
  for (const s of c.scopedEnforcementActions) {
    if (s.enforcementPoints.some((p) => p === point || p === '*'))
      actions.add(s.action.toLowerCase());
  }
  return actions.size === 0 ? undefined : [...actions].sort();
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
