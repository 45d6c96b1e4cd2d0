import { Kernel, planPostprocess, z, type PostprocessKind } from '@biaflow/core/internals';

async function kernelWith(methods: { name: string; kind?: PostprocessKind; defaultFor?: ('instance' | 'semantic')[] }[]) {
  const kernel = new Kernel();
  await kernel.use({
    name: 'methods',
    version: '1.0.0',
    core: '*',
    apply(k) {
      for (const m of methods) {
        k.registerPostprocess({ ...m, description: m.name, options: z.strictObject({ t: z.number().default(0.5) }), run: (p) => p });
      }
    },
  });
  return kernel;
}

const names = (plan: { method: { name: string } }[]) => plan.map((s) => s.method.name);

describe('planPostprocess', () => {
  test('the default decoder goes after the filters and before the refinements', async () => {
    const kernel = await kernelWith([
      { name: 'zfilter', kind: 'filter' },
      { name: 'watershed', kind: 'decode', defaultFor: ['instance'] },
      { name: 'small', kind: 'refine' },
    ]);
    const { plan, issues } = planPostprocess([{ method: 'zfilter' }, { method: 'small' }], kernel, 'instance');
    expect(issues).toEqual([]);
    expect(names(plan)).toEqual(['zfilter', 'watershed', 'small']);
    expect(plan[1]).toMatchObject({ from: 'default', options: { t: 0.5 } });
  });

  test('no default decoder for another problem type, and an explicit decoder replaces the default', async () => {
    const kernel = await kernelWith([
      { name: 'watershed', kind: 'decode', defaultFor: ['instance'] },
      { name: 'threshold', kind: 'decode' },
    ]);
    expect(names(planPostprocess([], kernel, 'semantic').plan)).toEqual([]);
    expect(names(planPostprocess([{ method: 'threshold' }], kernel, 'instance').plan)).toEqual(['threshold']);
  });

  test('a filter after the decoding is reported with its position', async () => {
    const kernel = await kernelWith([
      { name: 'zfilter', kind: 'filter' },
      { name: 'threshold', kind: 'decode' },
    ]);
    const { issues } = planPostprocess([{ method: 'threshold' }, { method: 'zfilter' }], kernel, 'semantic');
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('postprocess[1].method');
    expect(issues[0].message).toContain('"zfilter" (filter) cannot run after "threshold" (decode)');
  });
});
