import {
  checkPostprocessChain,
  Kernel,
  PluginError,
  planPostprocess,
  z,
  type OutputKind,
  type PostprocessMethod,
  type PredictionField,
  type WorkflowDefinition,
} from '@biaflow/core/internals';

/**
 * The post-processing list walked as the prediction flows: it starts with what the workflow's
 * inference gives, each step must get what it takes and passes on what it does not set, the end
 * must hold the field of the workflow's output kind. Workflows, kinds and steps here are made up
 * (core knows no workflow); the real ones are checked through the CLI in tests/test/postprocess-chain.test.ts.
 */

type Step = Pick<PostprocessMethod, 'name' | 'kind' | 'defaultFor' | 'takes' | 'gives' | 'problems'>;

const STEPS: Step[] = [
  { name: 'smooth', kind: 'filter', takes: ['probabilities'], gives: ['probabilities'] },
  { name: 'binarize', kind: 'decode', takes: ['probabilities'], gives: ['labels'] },
  { name: 'split', kind: 'decode', defaultFor: ['masks'], takes: ['probabilities'], gives: ['labels'] },
  { name: 'peaks', kind: 'decode', defaultFor: ['spots'], takes: ['probabilities'], gives: ['points'] },
  { name: 'grow', takes: ['labels', 'probabilities'], gives: ['labels'] },
  { name: 'drop_small', takes: ['labels'], gives: ['labels'] },
  { name: 'sharpen', takes: ['image'], gives: ['image'] },
];

const write = async () => undefined;
const KINDS: OutputKind[] = [
  { name: 'labels', description: 'a label image', holds: (p) => Boolean(p.labels), field: 'labels', file: (stem) => `predictions/${stem}.tif`, write, writtenWhenHeld: true },
  { name: 'points', description: 'a point list', holds: (p) => Boolean(p.points), field: 'points', file: (stem) => `predictions/${stem}.csv`, write, writtenWhenHeld: true },
  { name: 'image', description: 'a float image', holds: (p) => Boolean(p.image), field: 'image', file: (stem) => `predictions/${stem}.tif`, write },
  { name: 'opaque', description: 'a kind that declares no field', holds: () => true },
];

function workflow(name: string, output: string, own: { infer?: boolean; gives?: PredictionField[] } = {}): WorkflowDefinition {
  return {
    name,
    description: name,
    output,
    data: { name: 'none', description: 'none', labels: 'none' },
    evaluate: () => ({ overall: {}, per_image: [] }),
    ...(own.infer ? { infer: async () => ({ name: 'x', source: { shape: [1], axes: 'X', spacing: [null], dtype: 'float32' } }) } : {}),
    ...(own.gives ? { gives: own.gives } : {}),
  } as unknown as WorkflowDefinition;
}

async function kernelWith(extraSteps: Step[] = []): Promise<Kernel> {
  const kernel = new Kernel();
  await kernel.use({
    name: 'made-up',
    version: '1.0.0',
    core: '*',
    apply(k) {
      for (const kind of KINDS) k.registerOutputKind(kind);
      for (const m of [...STEPS, ...extraSteps]) k.registerPostprocess({ ...m, description: m.name, options: z.strictObject({}), run: (p) => p });
      k.registerWorkflow(workflow('masks', 'labels'));
      k.registerWorkflow(workflow('spots', 'points'));
      k.registerWorkflow(workflow('restore', 'image', { infer: true, gives: ['image'] }));
      k.registerWorkflow(workflow('mystery', 'image', { infer: true }));
      k.registerWorkflow(workflow('odd', 'opaque'));
    },
  });
  return kernel;
}

function check(kernel: Kernel, problem: string, methods: string[]) {
  const planned = planPostprocess(methods.map((method) => ({ method })), kernel, problem);
  expect(planned.issues).toEqual([]);
  return checkPostprocessChain(planned.plan, kernel, problem);
}

describe('checkPostprocessChain', () => {
  test('a step that takes probabilities on a workflow whose inference gives an image is refused, named with its place', async () => {
    const kernel = await kernelWith();
    const { issues, warnings } = check(kernel, 'restore', ['binarize']);
    expect(warnings).toEqual([]);
    expect(issues).toEqual([
      {
        path: 'postprocess[0]',
        message:
          "binarize takes probabilities but gets image (the restore workflow's inference gives image): remove it (no loaded step makes probabilities from image for restore)",
      },
    ]);
    // A step that takes the image fits there.
    expect(check(kernel, 'restore', ['sharpen'])).toEqual({ issues: [], warnings: [] });
  });

  test('fields a step does not set pass on: a step after the decoding can still take the probabilities', async () => {
    const kernel = await kernelWith();
    expect(check(kernel, 'masks', ['smooth', 'binarize', 'grow', 'drop_small'])).toEqual({ issues: [], warnings: [] });
    // The default decoding goes in before the refinements, and gives what they take.
    expect(check(kernel, 'masks', ['grow', 'drop_small'])).toEqual({ issues: [], warnings: [] });
    expect(check(kernel, 'spots', [])).toEqual({ issues: [], warnings: [] });
  });

  test('a step whose input no earlier step gives is refused, after the step it follows', async () => {
    const kernel = await kernelWith();
    const { issues } = check(kernel, 'restore', ['sharpen', 'drop_small']);
    expect(issues).toEqual([
      {
        path: 'postprocess[1]',
        message:
          'drop_small takes labels but gets image (after postprocess[0] (sharpen) the prediction holds image): remove it (no loaded step makes labels from image for restore)',
      },
    ]);
  });

  test('a step giving a field another kind writes to the result file is refused: a label image where the float image belongs', async () => {
    const kernel = await kernelWith([{ name: 'mask_image', takes: ['image'], gives: ['labels'] }]);
    expect(check(kernel, 'restore', ['sharpen', 'mask_image']).issues).toEqual([
      {
        path: 'postprocess[1]',
        message: "mask_image gives labels, which is written as labels to predictions/<stem>.tif, the file of the restore workflow's image: remove it",
      },
    ]);
    // Points go to a file of their own: not in the way.
    const pointsKernel = await kernelWith([{ name: 'spots_in_image', takes: ['image'], gives: ['points'] }]);
    expect(check(pointsKernel, 'restore', ['spots_in_image']).issues).toEqual([]);
  });

  test('a list whose end lacks the field the output kind writes is refused: a labels decoding where points are written', async () => {
    const kernel = await kernelWith();
    const { issues } = check(kernel, 'spots', ['binarize']);
    expect(issues).toEqual([
      {
        path: 'postprocess',
        message:
          "the spots workflow's output is points, which needs the prediction's points, but after postprocess[0] (binarize) the prediction holds probabilities, labels: remove postprocess[0] (binarize), which replaces the workflow's own decoding (peaks, which gives points)",
      },
    ]);
  });

  test('without a default decoding, the end names the steps that would give the field', async () => {
    const kernel = new Kernel();
    await kernel.use({
      name: 'bare',
      version: '1.0.0',
      core: '*',
      apply(k) {
        k.registerOutputKind(KINDS[0]);
        for (const m of STEPS.filter((s) => !s.defaultFor)) k.registerPostprocess({ ...m, description: m.name, options: z.strictObject({}), run: (p) => p });
        k.registerWorkflow(workflow('masks', 'labels'));
      },
    });
    const { issues } = check(kernel, 'masks', ['smooth']);
    expect(issues).toEqual([
      {
        path: 'postprocess',
        message:
          "the masks workflow's output is labels, which needs the prediction's labels, but after postprocess[0] (smooth) the prediction holds probabilities: end the list with a step that gives labels (binarize)",
      },
    ]);
    expect(check(kernel, 'masks', []).issues[0].message).toContain("the masks workflow's inference gives probabilities and no step runs");
    // A step missing its input names the steps that would give it and can run there.
    expect(check(kernel, 'masks', ['drop_small']).issues).toEqual([
      {
        path: 'postprocess[0]',
        message: "drop_small takes labels but gets probabilities (the masks workflow's inference gives probabilities): put a step that gives labels before it (binarize), or remove it",
      },
    ]);
  });

  test('one wrong step is reported once, not again by the steps after it', async () => {
    const kernel = await kernelWith();
    const { issues } = check(kernel, 'restore', ['binarize', 'drop_small']);
    expect(issues.map((i) => i.path)).toEqual(['postprocess[0]']);
  });

  test('a step that declares nothing is taken on trust from there on, with a warning naming it and its plugin', async () => {
    const kernel = await kernelWith([{ name: 'mystery_step', kind: 'filter' }, { name: 'mystery_end' }]);
    const { issues, warnings } = check(kernel, 'restore', ['mystery_step', 'binarize']);
    expect(issues).toEqual([]);
    expect(warnings).toEqual(['postprocess[0] (mystery_step) declares neither `takes` nor `gives` (plugin made-up): it and the steps after it are not checked']);
    // Before it, the list is still checked.
    expect(check(kernel, 'restore', ['sharpen', 'drop_small', 'mystery_end']).issues.map((i) => i.path)).toEqual(['postprocess[1]']);
  });

  test('a step declaring only what it takes gives nothing new', async () => {
    const kernel = await kernelWith([{ name: 'count', takes: ['labels'] }]);
    expect(check(kernel, 'masks', ['binarize', 'count'])).toEqual({ issues: [], warnings: [] });
    expect(check(kernel, 'spots', ['count']).issues.map((i) => i.path)).toEqual(['postprocess[0]']);
  });

  test('a workflow with its own inference that declares nothing, or an output kind without a field, leave the list unchecked with a warning', async () => {
    const kernel = await kernelWith();
    expect(check(kernel, 'mystery', ['binarize'])).toEqual({
      issues: [],
      warnings: ['the mystery workflow (made-up) has its own inference and does not declare what it gives (`gives`): its post-processing list is not checked'],
    });
    expect(check(kernel, 'mystery', [])).toEqual({ issues: [], warnings: [] });
    expect(check(kernel, 'odd', ['smooth'])).toEqual({
      issues: [],
      warnings: ['output kind "opaque" does not declare the prediction field it writes (`field`): the end of the post-processing list is not checked'],
    });
  });

  test('a declaration naming no prediction field is refused when the plugin registers it', async () => {
    const kernel = new Kernel();
    const error = await kernel
      .use({
        name: 'typo-plugin',
        version: '1.0.0',
        core: '*',
        apply(k) {
          k.registerPostprocess({ name: 'typo', description: 'typo', options: z.strictObject({}), takes: ['lables' as PredictionField], run: (p) => p });
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toContain('typo-plugin');
    expect((error as Error).message).toContain('post-processing method "typo" of "typo-plugin": `takes` names "lables", which is no prediction field');
    const kindError = await new Kernel()
      .use({ name: 'kind-plugin', version: '1.0.0', core: '*', apply: (k) => k.registerOutputKind({ name: 'k', description: 'k', holds: () => true, field: 'pixels' as PredictionField }) })
      .catch((e: unknown) => e);
    expect((kindError as Error).message).toContain('output kind "k" of "kind-plugin": `field` names "pixels"');
  });
});
