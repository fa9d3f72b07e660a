/**
 * A fast acceptance check compiled once from a zod object schema. For schemas made only of
 * strings, numbers, booleans, literals, optional/nullable wrappers, nested objects and arrays of
 * those, it decides exactly what `safeParse` would accept, in a tight loop of `typeof` tests and
 * without building a copy. Anything it cannot decide alone (transforms, refinements, unions)
 * makes the compiler return `undefined`, and the caller keeps using zod for that schema.
 *
 * The check is generated JavaScript with static property reads (as zod 4 itself does for its
 * fast path), because keyed reads over a list of field names are several times slower in V8.
 *
 * The parser runs the check first and calls zod only when the check fails, to produce zod's
 * precise error message; so zod stays the single source of truth for what is valid.
 */
import type { ZodType } from 'zod';

enum Kind {
  String = 0,
  Number = 1,
  Boolean = 2,
  Literal = 3,
  Object = 4,
  Array = 5,
}

interface FieldCheck {
  readonly key: string;
  readonly kind: Kind;
  readonly optional: boolean;
  readonly nullable: boolean;
  readonly literals: readonly unknown[] | undefined;
  /** For objects: the nested object's fields; for arrays: the element (as a single field with key ''). */
  readonly fields: readonly FieldCheck[] | undefined;
}

interface ZodDef {
  type: string;
  checks?: readonly unknown[];
  innerType?: ZodType;
  values?: readonly unknown[];
  element?: ZodType;
  shape?: Record<string, ZodType>;
  catchall?: ZodType;
}

function defOf(schema: ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

function compileField(key: string, schema: ZodType): FieldCheck | undefined {
  let optional = false;
  let nullable = false;
  let def = defOf(schema);
  for (;;) {
    if (def.type === 'optional' && def.innerType) optional = true;
    else if (def.type === 'nullable' && def.innerType) nullable = true;
    else break;
    def = defOf(def.innerType);
  }
  if (def.checks && def.checks.length > 0) return undefined;
  const base = { key, optional, nullable, literals: undefined, fields: undefined };
  switch (def.type) {
    case 'string':
      return { ...base, kind: Kind.String };
    case 'number':
      return { ...base, kind: Kind.Number };
    case 'boolean':
      return { ...base, kind: Kind.Boolean };
    case 'literal':
      return def.values ? { ...base, kind: Kind.Literal, literals: def.values } : undefined;
    case 'object': {
      const fields = compileShape(def);
      return fields ? { ...base, kind: Kind.Object, fields } : undefined;
    }
    case 'array': {
      const element = def.element ? compileField('', def.element) : undefined;
      return element ? { ...base, kind: Kind.Array, fields: [element] } : undefined;
    }
    default:
      return undefined;
  }
}

function compileShape(def: ZodDef): FieldCheck[] | undefined {
  if (def.type !== 'object' || !def.shape || def.catchall !== undefined) return undefined;
  const fields: FieldCheck[] = [];
  for (const key of Object.keys(def.shape)) {
    const field = compileField(key, def.shape[key] as ZodType);
    if (!field) return undefined;
    fields.push(field);
  }
  return fields;
}

/** JavaScript for "value `v` passes `check`", with static property reads (fast in V8). */
function condition(v: string, check: FieldCheck, depth: number): string {
  let test: string;
  switch (check.kind) {
    case Kind.String:
      test = `typeof ${v} === "string"`;
      break;
    case Kind.Number:
      test = `typeof ${v} === "number" && Number.isFinite(${v})`;
      break;
    case Kind.Boolean:
      test = `typeof ${v} === "boolean"`;
      break;
    case Kind.Literal:
      test = `(${(check.literals as readonly unknown[]).map((l) => `${v} === ${JSON.stringify(l)}`).join(' || ')})`;
      break;
    case Kind.Object:
      test = `typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v}) && ${objectCondition(v, check.fields!, depth + 1)}`;
      break;
    case Kind.Array: {
      const item = `a${depth}[i${depth}]`;
      test = `Array.isArray(${v}) && ((a${depth}) => { for (let i${depth} = 0; i${depth} < a${depth}.length; i${depth}++) if (!(${condition(item, check.fields![0]!, depth + 1)})) return false; return true; })(${v})`;
      break;
    }
  }
  const alternatives = [
    check.optional ? `${v} === undefined` : '',
    check.nullable ? `${v} === null` : '',
  ].filter(Boolean);
  return alternatives.length ? `(${alternatives.join(' || ')} || (${test}))` : `(${test})`;
}

function objectCondition(v: string, fields: readonly FieldCheck[], depth: number): string {
  if (fields.length === 0) return 'true';
  return fields.map((f) => condition(`${v}[${JSON.stringify(f.key)}]`, f, depth)).join(' && ');
}

/** A compiled check: true when zod's `safeParse` of `value` would succeed. */
export type FastCheck = (value: Record<string, unknown>) => boolean;

/**
 * Compiles `schema` into a {@link FastCheck}, or returns `undefined` when the schema uses
 * something the check cannot decide exactly (then keep calling zod).
 */
export function compileFastCheck(schema: ZodType): FastCheck | undefined {
  const fields = compileShape(defOf(schema));
  if (!fields) return undefined;
  // Keys come from our own schemas (quoted with JSON.stringify), never from input.
  try {
    return new Function('v', `return ${objectCondition('v', fields, 0)};`) as FastCheck;
  } catch {
    return undefined; // code generation disallowed: zod alone decides
  }
}
