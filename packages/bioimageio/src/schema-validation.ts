import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { BioimageioError, type DescriptionIssue } from './errors';
import { describe } from './description/fields';

type SchemaNode = Record<string, unknown>;

/**
 * Validation of a description against the zoo's JSON schema (`bioimageio_schema.json`, from
 * bioimage-io/spec-bioimage-io). The schema's root is a `oneOf` over every resource type and
 * version whose branches pin `format_version` to the newest patch (0.5.7 for models), so a valid
 * 0.5.4 file fails at the root: like the zoo's validator, which upgrades patch versions, we pick the
 * branch by `type` and major.minor and validate with `format_version` read as the pinned one.
 *
 * ajv reports every failed branch of every union; `explain` walks the schema instead and, at each
 * union, follows the one branch the data means (the axis `type`, the step `id`, the keys present),
 * so a message names one field and one problem: `inputs[0].axes[2].size: must be >= 1`.
 */
export interface SchemaValidator {
  /** Problems found, as field path + message; empty when the description validates. */
  validate(raw: unknown): DescriptionIssue[];
  /** The schema branch a description is checked against: its `$defs` pointer and pinned version. */
  branchFor(raw: unknown): { pointer: string; formatVersion: string };
}

export function createSchemaValidator(schema: SchemaNode): SchemaValidator {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const KEY = 'bioimageio-schema';
  ajv.addSchema(schema, KEY);
  const compiled = new Map<string, ValidateFunction>();
  // ajv's validate functions are type guards; a plain boolean keeps `data` un-narrowed.
  const isValid = (pointer: string, data: unknown): boolean => validatorAt(pointer)(data);
  const validatorAt = (pointer: string): ValidateFunction => {
    let v = compiled.get(pointer);
    if (!v) {
      v = ajv.getSchema(`${KEY}${pointer}`);
      if (!v) throw new Error(`schema has no node at ${pointer}`);
      compiled.set(pointer, v);
    }
    return v;
  };
  const nodeAt = (pointer: string): SchemaNode => {
    let node: unknown = schema;
    for (const part of pointer.replace(/^#\/?/, '').split('/').filter((p) => p.length > 0)) {
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (node === undefined) throw new Error(`schema has no node at ${pointer}`);
    }
    return node as SchemaNode;
  };
  const deref = (pointer: string): string => {
    let p = pointer;
    for (let guard = 0; guard < 32; guard++) {
      const ref = nodeAt(p).$ref;
      if (typeof ref !== 'string') return p;
      p = ref;
    }
    throw new Error(`$ref cycle at ${pointer}`);
  };

  const modelBranches = (): Map<string, { pointer: string; formatVersion: string }> => {
    const out = new Map<string, { pointer: string; formatVersion: string }>();
    for (const group of (schema.oneOf ?? []) as SchemaNode[]) {
      const mapping = (group.discriminator as { mapping?: Record<string, string> } | undefined)?.mapping ?? {};
      for (const [version, ref] of Object.entries(mapping)) {
        if (!ref.includes('__model__')) continue;
        out.set(version.split('.').slice(0, 2).join('.'), { pointer: ref, formatVersion: version });
      }
    }
    return out;
  };

  const branchFor = (raw: unknown): { pointer: string; formatVersion: string } => {
    const o = raw as Record<string, unknown>;
    if (o?.type !== 'model') throw new BioimageioError(`only model descriptions are validated, got type ${describe(o?.type)}`, { field: 'type' });
    const v = typeof o.format_version === 'string' ? o.format_version.split('.').slice(0, 2).join('.') : '';
    const branch = modelBranches().get(v);
    if (!branch) {
      throw new BioimageioError(`the schema has no model branch for format_version ${describe(o.format_version)} (it has ${[...modelBranches().values()].map((b) => b.formatVersion).join(', ')})`, {
        field: 'format_version'
      });
    }
    return branch;
  };

  const explain = (data: unknown, pointer: string, path: string): DescriptionIssue[] => {
    const p = deref(pointer);
    const node = nodeAt(p);
    const union = (node.anyOf ?? node.oneOf) as SchemaNode[] | undefined;
    if (union) {
      if (isValid(p, data)) return [];
      const key = node.anyOf ? 'anyOf' : 'oneOf';
      const branches = flattenUnion(p, key);
      const candidates = branches.filter((b) => kindMatches(nodeAt(b), data));
      if (candidates.length === 0) return [{ field: path, message: `must be ${expectedKinds(branches.map(nodeAt))}, got ${describe(data)}` }];
      const unknown = unmatchedDiscriminator(candidates, data);
      if (unknown) return [{ field: join(path, unknown.key), message: `must be one of ${unknown.allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe((data as Record<string, unknown>)[unknown.key])}` }];
      return explain(data, bestBranch(candidates, data), path);
    }
    const v = validatorAt(p);
    if (isValid(p, data)) return [];
    const issues: DescriptionIssue[] = [];
    for (const e of (v.errors ?? []).filter((x) => x.instancePath === '')) {
      const issue = nodeError(e, data, path, node);
      if (issue) issues.push(issue);
    }
    if (Array.isArray(data)) {
      const prefix = (node.prefixItems ?? []) as unknown[];
      data.forEach((item: unknown, i: number) => {
        if (i < prefix.length) issues.push(...explain(item, `${p}/prefixItems/${i}`, `${path}[${i}]`));
        else if (isObject(node.items)) issues.push(...explain(item, `${p}/items`, `${path}[${i}]`));
      });
    } else if (isObject(data)) {
      const props = (node.properties ?? {}) as Record<string, unknown>;
      for (const [k, value] of Object.entries(data)) {
        if (k in props) issues.push(...explain(value, `${p}/properties/${escapePointer(k)}`, join(path, k)));
        else if (isObject(node.additionalProperties)) issues.push(...explain(value, `${p}/additionalProperties`, join(path, k)));
      }
    }
    // A failure the walk could not place (it should not happen) is still reported.
    return issues.length > 0 ? issues : [{ field: path, message: 'does not match the schema' }];
  };

  const flattenUnion = (pointer: string, key: string): string[] => {
    const out: string[] = [];
    ((nodeAt(pointer)[key] ?? []) as unknown[]).forEach((_, i) => {
      const b = deref(`${pointer}/${key}/${i}`);
      const n = nodeAt(b);
      if (n.anyOf) out.push(...flattenUnion(b, 'anyOf'));
      else if (n.oneOf) out.push(...flattenUnion(b, 'oneOf'));
      else out.push(b);
    });
    return out;
  };

  // A discriminating key (`type` of an axis, `id` of a step) whose value no branch accepts: the
  // problem is that value, not the other fields of whichever branch comes closest.
  const unmatchedDiscriminator = (candidates: string[], data: unknown): { key: string; allowed: unknown[] } | null => {
    if (!isObject(data) || candidates.length < 2) return null;
    const consts = candidates.map((c) => {
      const props = (nodeAt(c).properties ?? {}) as Record<string, SchemaNode>;
      return Object.fromEntries(Object.entries(props).filter(([, p]) => p && 'const' in p).map(([k, p]) => [k, p.const]));
    });
    for (const key of Object.keys(consts[0])) {
      if (!(key in data) || !consts.every((c) => key in c)) continue;
      if (consts.every((c) => c[key] !== data[key])) return { key, allowed: [...new Set(consts.map((c) => c[key]))] };
    }
    return null;
  };

  // Among object branches, the one the data means: its discriminating constants (`type`, `id`)
  // must match, then the fewest keys it does not know and the fewest required keys missing.
  const bestBranch = (candidates: string[], data: unknown): string => {
    if (!isObject(data)) return candidates[0];
    let best = candidates[0];
    let bestScore = Infinity;
    for (const c of candidates) {
      const n = nodeAt(c);
      const props = (n.properties ?? {}) as Record<string, SchemaNode>;
      let score = 0;
      for (const [k, prop] of Object.entries(props)) {
        if (prop && 'const' in prop && k in data && data[k] !== prop.const) score += 1000;
      }
      if (n.additionalProperties === false) score += Object.keys(data).filter((k) => !(k in props)).length * 10;
      score += ((n.required ?? []) as string[]).filter((k) => !(k in data)).length;
      if (score < bestScore) {
        bestScore = score;
        best = c;
      }
    }
    return best;
  };

  return {
    branchFor,
    validate(raw: unknown): DescriptionIssue[] {
      if (!isObject(raw)) return [{ field: '', message: `a description is a YAML mapping, got ${describe(raw)}` }];
      const branch = branchFor(raw);
      const pinned = { ...raw, format_version: branch.formatVersion };
      if (isValid(branch.pointer, pinned)) return [];
      return dedupe(explain(pinned, branch.pointer, ''));
    }
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function jsonKind(data: unknown): string {
  if (data === null || data === undefined) return 'null';
  if (Array.isArray(data)) return 'array';
  if (typeof data === 'number') return Number.isInteger(data) ? 'integer' : 'number';
  return typeof data;
}

function kindMatches(node: SchemaNode, data: unknown): boolean {
  if ('const' in node) return node.const === data || jsonKind(node.const) === jsonKind(data);
  const type = node.type;
  if (type === undefined) return true;
  const kind = jsonKind(data);
  const types = Array.isArray(type) ? (type as string[]) : [type as string];
  return types.includes(kind) || (kind === 'integer' && types.includes('number'));
}

function expectedKinds(nodes: SchemaNode[]): string {
  const kinds = new Set<string>();
  for (const n of nodes) {
    if ('const' in n) kinds.add(JSON.stringify(n.const));
    else if (n.type === 'object') kinds.add(n.title ? `a mapping (${String(n.title).replace(/^model\.v0_\d\./, '')})` : 'a mapping');
    else if (n.type === 'array') kinds.add('a list');
    else if (n.type === 'null') kinds.add('null');
    else if (typeof n.type === 'string') kinds.add(n.type === 'integer' ? 'an integer' : n.type === 'number' ? 'a number' : `a ${n.type}`);
  }
  return [...kinds].join(' or ');
}

function nodeError(e: ErrorObject, data: unknown, path: string, node: SchemaNode): DescriptionIssue | null {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: join(path, String(p.missingProperty)), message: 'is required' };
    case 'additionalProperties': {
      const known = Object.keys((node.properties ?? {}) as object);
      return { field: join(path, String(p.additionalProperty)), message: `is not a field here (known: ${known.join(', ')})` };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      const shown = allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, … (${allowed.length} values)` : allowed.join(', ');
      return { field: path, message: `must be one of ${shown}, got ${describe(data)}` };
    }
    case 'const':
      return { field: path, message: `must be ${JSON.stringify(p.allowedValue)}, got ${describe(data)}` };
    case 'type':
      return { field: path, message: `must be ${expectedKinds([{ type: p.type }])}, got ${describe(data)}` };
    case 'anyOf':
    case 'oneOf':
      return null;
    default:
      return { field: path, message: `${e.message ?? 'is invalid'}${typeof data === 'object' ? '' : `, got ${describe(data)}`}` };
  }
}

function dedupe(issues: DescriptionIssue[]): DescriptionIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
