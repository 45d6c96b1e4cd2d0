import { z, type ZodType } from 'zod';
import type { Kernel } from '../kernel/kernel';
import type { RegisteredPostprocessMethod } from '../kernel/postprocess-method';
import { buildSchema } from '../kernel/config/schema';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
};

const toJson = (schema: ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' \\| ');
  if (s.format === 'path') return 'path';
  if (s.format === 'model-ref') return 'path or model name';
  if (s.type === 'array') {
    if (s.prefixItems) return `[${s.prefixItems.map(typeOf).join(', ')}]`;
    const item = Array.isArray(s.items) ? s.items[0] : s.items;
    return item ? `list of ${typeOf(item)}` : 'list';
  }
  let t = Array.isArray(s.type) ? s.type.join(' \\| ') : s.type ?? 'any';
  // Safe-integer limits zod adds to every int are noise to a reader.
  const finite = (v: number | undefined) => (v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v);
  const lo = finite(s.minimum ?? s.exclusiveMinimum);
  const hi = finite(s.maximum ?? s.exclusiveMaximum);
  if (lo !== undefined || hi !== undefined) {
    const open = s.exclusiveMinimum !== undefined && lo !== undefined ? '(' : '[';
    const close = hi === undefined || s.exclusiveMaximum !== undefined ? ')' : ']';
    t += ` ${open}${lo ?? '-∞'}, ${hi ?? '∞'}${close}`;
  }
  return t;
}

function cell(v: unknown): string {
  if (v === undefined) return '';
  return `\`${JSON.stringify(v)}\``;
}

/** One table row per key (`keyOwners`: keys a plugin added to a core section, and the plugin). */
function rows(s: JsonSchema, prefix: string, required: boolean, out: string[], keyOwners: ReadonlyMap<string, string> = new Map()): void {
  const isSection = s.type === 'object' && s.properties && Object.keys(s.properties).length > 0;
  if (isSection && prefix) {
    for (const [k, child] of Object.entries(s.properties!)) {
      rows(child, `${prefix}.${k}`, (s.required ?? []).includes(k), out, keyOwners);
    }
    return;
  }
  const def = s.default === undefined ? (required ? '*required*' : '') : cell(s.default);
  const owner = keyOwners.get(prefix);
  const description = `${s.description ?? ''}${owner ? ` (from ${owner})` : ''}`;
  out.push(`| \`${prefix}\` | ${typeOf(s)} | ${def} | ${description.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
}

/** The table of one section's keys (all, or only `keys` of it). */
function sectionTable(section: JsonSchema, key: string, required: boolean, keyOwners: ReadonlyMap<string, string>, keys?: readonly string[]): string[] {
  const out = ['| key | type | default | description |', '| --- | --- | --- | --- |'];
  if (!keys) {
    rows(section, key, required, out, keyOwners);
    return out;
  }
  for (const k of keys) {
    const child = section.properties?.[k];
    if (child) rows(child, `${key}.${k}`, (section.required ?? []).includes(k), out, keyOwners);
  }
  return out;
}

/** One `###` entry per post-processing method, with its options. */
function methodEntries(methods: RegisteredPostprocessMethod[]): string[] {
  const out: string[] = [];
  for (const m of methods.sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(`### \`${m.name}\` (from ${m.plugin})`, '', m.description, '');
    if (m.problems) out.push(`Applies to: ${m.problems.join(', ')}.`, '');
    out.push(stepFields(m), '');
    const opts = toJson(m.options);
    const entries = Object.entries(opts.properties ?? {});
    if (entries.length === 0) {
      out.push('No options.', '');
      continue;
    }
    out.push('| option | type | default | description |', '| --- | --- | --- | --- |');
    for (const [k, child] of entries) rows(child, k, (opts.required ?? []).includes(k), out);
    out.push('');
  }
  return out;
}

/** The configuration reference (docs/config.md), generated from the schema so it cannot drift. */
export function configReference(kernel: Kernel): string {
  const schema = toJson(buildSchema(kernel.configSections, kernel.sectionExtensions));
  const owners = new Map(kernel.configSections.map((s) => [s.key, s.plugin]));
  const extendedBy = new Map(kernel.sectionExtensions.flatMap((e) => Object.keys(e.shape).map((k) => [`${e.section}.${k}`, e.plugin] as const)));
  const out: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs` from the config schema; do not edit by hand. -->',
    '',
    'A config is YAML (or JSON, or JS) with the sections below. Paths written in a config file resolve from the',
    "config file's folder; paths given with `--set` resolve from the working directory. `--set key=value` (repeatable)",
    'overrides any key; the value is parsed as YAML, so `--set data.patch_size=[128,128]` is a list. Unknown keys are',
    'errors with a suggestion (`trian` → `train`).',
    '',
  ];
  for (const [key, section] of Object.entries(schema.properties ?? {})) {
    const owner = owners.get(key);
    out.push(`## \`${key}\`${owner ? ` (from ${owner})` : ''}`, '');
    if (section.description) out.push(section.description, '');
    out.push(...sectionTable(section, key, (schema.required ?? []).includes(key), extendedBy));
    out.push('');
  }
  const methods = [...kernel.postprocessMethods.values()];
  out.push('## Post-processing methods', '');
  out.push('Listed under `postprocess:` as `{ method: <name>, ...options }`, run in order.', '');
  out.push(
    'Each method takes fields of the prediction and gives fields (passing the others on). The list starts with what the',
    'workflow\'s inference gives, each step must get what it takes, and the end must hold what the workflow\'s output',
    'needs; `biaflow config validate` (and every command, before any work) refuses a list that does not fit, naming the step',
    '(exit 2). The workflow\'s default decoding runs when no step of the list decodes.',
    '',
  );
  const workflows = [...kernel.workflows.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (workflows.length) {
    out.push('| workflow | inference gives | output | needs |', '| --- | --- | --- | --- |');
    for (const w of workflows) {
      const field = kernel.outputKinds.get(w.output)?.field;
      out.push(`| ${w.name} | ${w.gives ? w.gives.map((f) => `\`${f}\``).join(', ') : 'not declared'} | ${w.output} | ${field ? `\`${field}\`` : 'not declared'} |`);
    }
    out.push('');
  }
  if (methods.length === 0) out.push('No post-processing plugin was loaded when this page was generated.', '');
  out.push(...methodEntries(methods));
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * The configuration reference of one plugin (`biaflow config docs --plugin NAME`): the workflows it
 * adds (values of `problem.type`), its own sections, the keys it adds to core's sections and its
 * post-processing methods — what a plugin's README documents. `kernel` has the plugin applied.
 */
export function pluginConfigReference(kernel: Kernel, plugin: { name: string; version: string }): string {
  const schema = toJson(buildSchema(kernel.configSections, kernel.sectionExtensions));
  const extendedBy = new Map(kernel.sectionExtensions.flatMap((e) => Object.keys(e.shape).map((k) => [`${e.section}.${k}`, e.plugin] as const)));
  const out: string[] = [
    `# Configuration reference: ${plugin.name}`,
    '',
    `<!-- Generated by \`biaflow config docs --plugin ${plugin.name}\` from the plugin's config schema. -->`,
    '',
    `What ${plugin.name} ${plugin.version} adds to a biaflow config. Core's sections, and those of biaflow's own`,
    'plugins, are in the configuration reference `biaflow config docs` writes (docs/config.md).',
    '',
  ];
  const workflows = [...kernel.workflows.values()].filter((w) => w.plugin === plugin.name);
  if (workflows.length) {
    out.push('## Workflows', '', 'Values of `problem.type`; installed, the package loads from `problem.type` alone.', '');
    for (const w of workflows) out.push(`- \`${w.name}\` (output: ${w.output}): ${w.description}`);
    out.push('');
  }
  let documented = workflows.length > 0;
  for (const s of kernel.configSections.filter((c) => c.plugin === plugin.name)) {
    const section = schema.properties?.[s.key];
    if (!section) continue;
    out.push(`## \`${s.key}\` (from ${plugin.name})`, '');
    if (section.description) out.push(section.description, '');
    out.push(...sectionTable(section, s.key, (schema.required ?? []).includes(s.key), extendedBy), '');
    documented = true;
  }
  const added = new Map<string, string[]>();
  for (const e of kernel.sectionExtensions.filter((x) => x.plugin === plugin.name)) added.set(e.section, [...(added.get(e.section) ?? []), ...Object.keys(e.shape)]);
  for (const [section, keys] of added) {
    const target = schema.properties?.[section];
    if (!target) continue;
    out.push(`## Keys added to \`${section}\``, '');
    out.push(...sectionTable(target, section, false, extendedBy, keys), '');
    documented = true;
  }
  const methods = [...kernel.postprocessMethods.values()].filter((m) => m.plugin === plugin.name);
  if (methods.length) {
    out.push('## Post-processing methods', '', 'Listed under `postprocess:` as `{ method: <name>, ...options }`, run in order.', '');
    out.push(...methodEntries(methods));
    documented = true;
  }
  if (!documented) out.push(`${plugin.name} adds no workflow, config section, config key or post-processing method.`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

/** What a step takes and gives, for its entry in the reference. */
function stepFields(m: RegisteredPostprocessMethod): string {
  if (m.takes === undefined && m.gives === undefined) return 'Declares neither what it takes nor what it gives: lists with it are not checked past it.';
  const list = (fields: readonly string[] | undefined) => (fields?.length ? fields.map((f) => `\`${f}\``).join(', ') : 'nothing');
  return `Takes ${list(m.takes)}; gives ${list(m.gives)}.`;
}
