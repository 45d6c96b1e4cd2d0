/**
 * The one place core names biaflow's own plugins: short names for plugin resolution (`instance` →
 * `@biaflow/plugin-instance`), and which package to suggest when a config names a first-party
 * workflow or section that is not installed, and which packages `biaflow config docs` documents by
 * default. Core drives every workflow from its registration, and finds an installed workflow's or
 * step's package by its manifest (plugins/installed-contributors.ts), never by this table.
 */
export const FIRST_PARTY_PLUGINS = ['semantic', 'instance', 'detection', 'classification', 'postproc'] as const;

/** `instance` → `@biaflow/plugin-instance`; other names unchanged. */
export function expandShortName(specifier: string): string {
  return (FIRST_PARTY_PLUGINS as readonly string[]).includes(specifier) ? `@biaflow/plugin-${specifier}` : specifier;
}

/**
 * A lookup table without a prototype: the tables below are indexed by names from configs and
 * command lines, and `toString` or `__proto__` must find nothing there, not Object's own members.
 */
function table<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Workflows of first-party packages, for the install hint of an unknown `problem.type`. */
export const FIRST_PARTY_WORKFLOWS: Readonly<Record<string, string>> = table({
  semantic: '@biaflow/plugin-semantic',
  instance: '@biaflow/plugin-instance',
  detection: '@biaflow/plugin-detection',
  classification: '@biaflow/plugin-classification',
});

/** Config sections and section keys of first-party packages, for the hint of an unknown key. */
export const FIRST_PARTY_SECTIONS: Readonly<Record<string, string>> = table({
  ...FIRST_PARTY_WORKFLOWS,
  'metrics.matching_thresholds': '@biaflow/plugin-instance',
  'metrics.detection_tolerance': '@biaflow/plugin-detection',
  'metrics.detection_ap_tolerances': '@biaflow/plugin-detection',
  'metrics.top_k': '@biaflow/plugin-classification',
  export: '@biaflow/engine-onnx',
});

/** First-party packages that are not named by a short name (engines, model formats): listed and documented when installed. */
export const FIRST_PARTY_EXTRAS = ['@biaflow/engine-onnx'] as const;

/** The post-processing steps' package, loaded with every config when installed. */
export const POSTPROC_PLUGIN = '@biaflow/plugin-postproc';

/** Inference engines of first-party packages, for the hint of an unknown `predict.engine`. */
export const FIRST_PARTY_ENGINES: Readonly<Record<string, string>> = table({
  onnx: '@biaflow/engine-onnx',
});

/** Model formats of first-party packages (what they read), for the hint when a model is of no loaded format. */
export const FIRST_PARTY_MODEL_FORMATS: Readonly<Record<string, { reads: string; package: string }>> = table({
  bioimageio: { reads: 'BioImage Model Zoo packages (a folder holding bioimageio.yaml, the YAML, or a .zip)', package: '@biaflow/engine-onnx' },
});
