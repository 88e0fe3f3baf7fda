/**
 * CloudFormation intrinsic functions, resolved as far as a template alone allows, before anything
 * is deployed: parameters by their `Default`, `Fn::Sub` / `Fn::Join` / `Fn::Select` / `Fn::Split`
 * / `Fn::FindInMap` over known values, `Ref` and `Fn::GetAtt` of a resource as a ResourceRef (how
 * one resource points at another). What only a deployment knows (a parameter without Default,
 * pseudo parameters such as AWS::Region, `Fn::ImportValue`, conditions, attributes inside a string)
 * is refused, naming the file, the logical id and the property: never guessed. Refusal is lazy:
 * such a value resolves to an Unresolved that throws only where a reader needs it (a Lambda ARN
 * built with `${AWS::Region}` in an integration nobody reads stops nothing).
 */
import type { UsageError } from '../errors.ts';
import { refuse } from './problem.ts';

/** A value only a deployment knows; `error` names where it is and why. */
export class Unresolved {
  constructor(readonly error: UsageError) {}
}

/** `v`, or the refusal of an Unresolved. */
export function known<T>(v: T | Unresolved): T {
  if (v instanceof Unresolved) throw v.error;
  return v;
}

/** `Ref: Api` or `Fn::GetAtt: [Api, RootResourceId]`: a pointer to another resource of the template. */
export interface ResourceRef {
  readonly $ref: string;
  readonly attr?: string;
}

export function isResourceRef(v: unknown): v is ResourceRef {
  return typeof v === 'object' && v !== null && typeof (v as ResourceRef).$ref === 'string';
}

interface Template {
  readonly Parameters?: Record<string, { Default?: unknown; Type?: string }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Resources?: Record<string, unknown>;
}

/** Resolves the values of one template file. */
export class Resolver {
  readonly #file: string;
  readonly #template: Template;

  constructor(file: string, template: Template) {
    this.#file = file;
    this.#template = template;
  }

  /** `value` with every intrinsic resolved; `where` = logical id, `property` = the path to it. */
  resolve(value: unknown, where: string, property: string): unknown {
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, where, `${property}[${i}]`)).filter((v) => v !== NO_VALUE);
    if (typeof value !== 'object' || value === null || value instanceof Unresolved || isResourceRef(value)) return value;
    const keys = Object.keys(value);
    const o = value as Record<string, unknown>;
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
      try {
        return this.#intrinsic(keys[0], o[keys[0]], where, property);
      } catch (err) {
        if (err instanceof Unresolved) return err;
        if (err instanceof Error && err.name === 'UsageError') return new Unresolved(err as UsageError);
        throw err;
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = this.resolve(o[k], where, property ? `${property}.${k}` : k);
      if (v !== NO_VALUE) out[k] = v;
    }
    return out;
  }

  /** A resolved string (a number is taken as its text). */
  string(value: unknown, where: string, property: string): string {
    const v = known(this.resolve(value, where, property));
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    throw refuse(this.#file, where, property, `${describe(v)} is not a string`);
  }

  #intrinsic(fn: string, arg: unknown, where: string, property: string): unknown {
    const fail = (problem: string): never => {
      throw refuse(this.#file, where, property, problem);
    };
    switch (fn) {
      case 'Ref':
        return this.#ref(this.string(arg, where, property), fail);
      case 'Fn::GetAtt': {
        const parts = Array.isArray(arg) ? arg.map((a) => this.string(a, where, property)) : [];
        if (parts.length !== 2) fail(`Fn::GetAtt ${JSON.stringify(arg)} is not [LogicalId, Attribute]`);
        if (!this.#template.Resources || !(parts[0] in this.#template.Resources)) fail(`Fn::GetAtt names ${parts[0]}, which is not a resource of this template`);
        return { $ref: parts[0], attr: parts[1] } satisfies ResourceRef;
      }
      case 'Fn::Sub':
        return this.#sub(arg, where, property, fail);
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail('Fn::Join takes [delimiter, [values]]');
        const list = known(this.resolve(arg[1], where, property));
        if (!Array.isArray(list)) return fail('Fn::Join takes [delimiter, [values]]');
        for (const v of list) known(v);
        return list.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : fail(`Fn::Join over ${describe(v)}: only known strings can be joined before deployment`))).join(this.string(arg[0], where, property));
      }
      case 'Fn::Select': {
        const [index, list] = Array.isArray(arg) ? [known(this.resolve(arg[0], where, property)), known(this.resolve(arg[1], where, property))] : [];
        if (!Array.isArray(list) || !Number.isInteger(Number(index)) || Number(index) < 0 || Number(index) >= list.length) return fail(`Fn::Select ${JSON.stringify(arg)}: index outside the list`);
        return list[Number(index)];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail('Fn::Split takes [delimiter, string]');
        return this.string(arg[1], where, property).split(this.string(arg[0], where, property));
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = Array.isArray(arg) ? arg.map((a) => this.string(a, where, property)) : [];
        const v = this.#template.Mappings?.[map]?.[top]?.[second];
        if (v === undefined) return fail(`Fn::FindInMap [${map}, ${top}, ${second}] is not in Mappings`);
        return this.resolve(v, where, property);
      }
      default:
        return fail(`${fn} is known only when the stack is deployed (conditions, imports, encodings): put the value in the template, or a parameter Default`);
    }
  }

  #ref(name: string, fail: (problem: string) => never): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name.startsWith('AWS::')) return fail(`Ref ${name} is a pseudo parameter, known only when the stack is deployed`);
    const parameter = this.#template.Parameters?.[name];
    if (parameter !== undefined) {
      if (parameter.Default === undefined) return fail(`Ref ${name}: the parameter has no Default, so its value is known only at deployment`);
      return parameter.Default;
    }
    if (this.#template.Resources && name in this.#template.Resources) return { $ref: name } satisfies ResourceRef;
    // SAM: `!Ref MyApi.Stage` is the stage SAM creates for an AWS::Serverless::Api.
    if (name.endsWith('.Stage') && this.#template.Resources && name.slice(0, -6) in this.#template.Resources) return { $ref: name } satisfies ResourceRef;
    return fail(`Ref ${name} is neither a parameter nor a resource of this template`);
  }

  #sub(arg: unknown, where: string, property: string, fail: (problem: string) => never): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) && typeof arg[0] === 'string' ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : fail('Fn::Sub takes a string or [string, {variables}]');
    return text.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      if (Object.hasOwn(vars, name)) return this.string(vars[name], where, property);
      if (name.includes('.')) return fail(`Fn::Sub \${${name}}: a resource attribute, known only when the stack is deployed`);
      const v = this.#ref(name, fail);
      if (typeof v === 'string' || typeof v === 'number') return String(v);
      return fail(`Fn::Sub \${${name}}: the id of a resource, known only when the stack is deployed`);
    });
  }
}

/** What `Ref: AWS::NoValue` resolves to: the property is dropped. */
export const NO_VALUE = Symbol('AWS::NoValue');

function describe(v: unknown): string {
  if (isResourceRef(v)) return v.attr ? `Fn::GetAtt ${v.$ref}.${v.attr}` : `Ref ${v.$ref} (a resource)`;
  return JSON.stringify(v) ?? String(v);
}
