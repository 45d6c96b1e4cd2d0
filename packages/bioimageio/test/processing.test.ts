import { applyProcessing, postprocess, preprocess, dtypeOf, type NdArray, type ProcessingDescr, type InputTensorDescr } from '@biaflow/bioimageio';
import { expectBioimageioError, f32, values } from './helpers';

// Every expected value below is worked out by hand from the spec's formulas (bioimageio.spec
// model v0_5 and bioimageio.core proc_ops): x*gain+offset, (x-mean)/(std+eps) with the
// population std, numpy 'linear' and 'inverted_cdf' percentiles.

const run = (x: NdArray, axes: string[], step: ProcessingDescr, references?: Record<string, { tensor: NdArray; axes: string[] }>) =>
  applyProcessing(x, axes, [step], { field: 'inputs[0].preprocessing', references });

/** [c=2, x=3]: channel 0 = 1,2,3; channel 1 = 10,20,30 */
const cx = () => f32([1, 2, 3, 10, 20, 30], [2, 3]);

const close = (actual: NdArray, expected: number[], digits = 6) => {
  const got = values(actual);
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
};

describe('processing operations', () => {
  it('binarize: one threshold, and one per channel', () => {
    const b = run(cx(), ['channel', 'x'], { id: 'binarize', kwargs: { threshold: 2.5 } });
    expect(dtypeOf(b)).toBe('bool');
    expect(values(b)).toEqual([0, 0, 1, 1, 1, 1]);
    const per = run(cx(), ['channel', 'x'], { id: 'binarize', kwargs: { axis: 'channel', threshold: [1.5, 25] } });
    expect(values(per)).toEqual([0, 1, 1, 0, 0, 1]);
    // a value equal to the threshold is not above it
    expect(values(run(f32([2], [1]), ['x'], { id: 'binarize', kwargs: { threshold: 2 } }))).toEqual([0]);
  });

  it('clip: values, and percentiles per channel (inverted_cdf)', () => {
    close(run(cx(), ['channel', 'x'], { id: 'clip', kwargs: { min: 2, max: 20 } }), [2, 2, 3, 10, 20, 20]);
    close(run(cx(), ['channel', 'x'], { id: 'clip', kwargs: { max: 2.5 } }), [1, 2, 2.5, 2.5, 2.5, 2.5]);
    // per channel over x (3 values): q=0.5 → sorted[ceil(1.5)-1] = 2nd value; q=0.1 → 1st value
    close(run(cx(), ['channel', 'x'], { id: 'clip', kwargs: { min_percentile: 10, max_percentile: 50, axes: ['x'] } }), [1, 2, 2, 10, 20, 20]);
    // over everything (6 values 1,2,3,10,20,30): q=0.5 → 3rd = 3
    close(run(cx(), ['channel', 'x'], { id: 'clip', kwargs: { max_percentile: 50 } }), [1, 2, 3, 3, 3, 3]);
  });

  it('ensure_dtype: casts as numpy astype (truncation toward zero, NaN → 0, bool)', () => {
    const x = f32([1.9, -1.9, 300, NaN, 0], [5]);
    const u8 = run(x, ['x'], { id: 'ensure_dtype', kwargs: { dtype: 'uint8' } });
    expect(dtypeOf(u8)).toBe('uint8');
    expect(values(u8)).toEqual([1, 255, 44, 0, 0]); // -1 and 300 wrap modulo 256, like C
    const i16 = run(x, ['x'], { id: 'ensure_dtype', kwargs: { dtype: 'int16' } });
    expect(values(i16)).toEqual([1, -1, 300, 0, 0]);
    const b = run(x, ['x'], { id: 'ensure_dtype', kwargs: { dtype: 'bool' } });
    expect([dtypeOf(b), ...values(b)]).toEqual(['bool', 1, 1, 1, 1, 0]);
    const i64 = run(f32([-2.5, 7], [2]), ['x'], { id: 'ensure_dtype', kwargs: { dtype: 'int64' } });
    expect(Array.from(i64.data as BigInt64Array)).toEqual([-2n, 7n]);
    const same = f32([1], [1]);
    expect(run(same, ['x'], { id: 'ensure_dtype', kwargs: { dtype: 'float32' } })).toBe(same);
  });

  it('fixed_zero_mean_unit_variance: scalar and per channel', () => {
    close(run(cx(), ['channel', 'x'], { id: 'fixed_zero_mean_unit_variance', kwargs: { mean: 2, std: 4 } }), [-0.25, 0, 0.25, 2, 4.5, 7], 5);
    close(
      run(cx(), ['channel', 'x'], { id: 'fixed_zero_mean_unit_variance', kwargs: { axis: 'channel', mean: [2, 20], std: [1, 10] } }),
      [-1, 0, 1, -1, 0, 1],
      5
    );
  });

  it('scale_linear: scalar and per channel', () => {
    close(run(cx(), ['channel', 'x'], { id: 'scale_linear', kwargs: { gain: 2, offset: -1 } }), [1, 3, 5, 19, 39, 59]);
    close(run(cx(), ['channel', 'x'], { id: 'scale_linear', kwargs: { axis: 'channel', gain: [1, 0.1], offset: [0, 5] } }), [1, 2, 3, 6, 7, 8]);
    close(run(cx(), ['channel', 'x'], { id: 'scale_linear', kwargs: { offset: 0.5 } }), [1.5, 2.5, 3.5, 10.5, 20.5, 30.5]);
  });

  it('zero_mean_unit_variance: over all axes and per channel (population std, eps)', () => {
    // channel 0: mean 2, std sqrt(2/3); channel 1: mean 20, std 10*sqrt(2/3)
    const s = Math.sqrt(2 / 3);
    close(run(cx(), ['channel', 'x'], { id: 'zero_mean_unit_variance', kwargs: { axes: ['x'] } }), [-1 / (s + 1e-6), 0, 1 / (s + 1e-6), -10 / (10 * s + 1e-6), 0, 10 / (10 * s + 1e-6)]);
    // all values 1,2,3,10,20,30: mean 11, variance (100+81+64+1+81+361)/6 = 688/6
    const std = Math.sqrt(688 / 6);
    close(run(cx(), ['channel', 'x'], { id: 'zero_mean_unit_variance', kwargs: { eps: 0.1 } }), [1, 2, 3, 10, 20, 30].map((v) => (v - 11) / (std + 0.1)));
  });

  it('scale_range: min/max and percentiles (numpy linear), per channel, with a reference tensor', () => {
    close(run(cx(), ['channel', 'x'], { id: 'scale_range', kwargs: { axes: ['x'] } }), [0, 1 / (2 + 1e-6), 2 / (2 + 1e-6), 0, 10 / (20 + 1e-6), 20 / (20 + 1e-6)]);
    // percentiles over 1,2,3,4,5: 25% → 2, 75% → 4 → (x-2)/(2+eps)
    close(run(f32([1, 2, 3, 4, 5], [5]), ['x'], { id: 'scale_range', kwargs: { min_percentile: 25, max_percentile: 75, eps: 0.01 } }), [-1 / 2.01, 0, 1 / 2.01, 2 / 2.01, 3 / 2.01]);
    // 10% of 1..5 by linear interpolation: 1 + 0.4*1 = 1.4; 90%: 4.6
    close(run(f32([1, 5], [2]), ['x'], { id: 'scale_range', kwargs: { min_percentile: 10, max_percentile: 90, reference_tensor: 'raw' } }, { raw: { tensor: f32([1, 2, 3, 4, 5], [5]), axes: ['x'] } }), [
      (1 - 1.4) / (3.2 + 1e-6),
      (5 - 1.4) / (3.2 + 1e-6)
    ]);
  });

  it('scale_mean_variance: matches a reference tensor per channel', () => {
    // x: channel 0 = 1,3 (mean 2, std 1); channel 1 = 0,4 (mean 2, std 2)
    // ref: channel 0 = 10,30 (mean 20, std 10); channel 1 = 5,5 (mean 5, std 0)
    const x = f32([1, 3, 0, 4], [2, 2]);
    const ref = { tensor: f32([10, 30, 5, 5], [2, 2]), axes: ['channel', 'x'] };
    const out = run(x, ['channel', 'x'], { id: 'scale_mean_variance', kwargs: { reference_tensor: 'raw', axes: ['x'], eps: 1e-6 } }, { raw: ref });
    const e = 1e-6;
    close(out, [(-1 / (1 + e)) * (10 + e) + 20, (1 / (1 + e)) * (10 + e) + 20, (-2 / (2 + e)) * e + 5, (2 / (2 + e)) * e + 5], 4);
  });

  it('sigmoid and softmax', () => {
    close(run(f32([0, Math.log(3), -Math.log(3)], [3]), ['x'], { id: 'sigmoid', kwargs: {} }), [0.5, 0.75, 0.25]);
    // softmax over channel of [c=2, x=2]: x=0: (0, ln 3) → (1/4, 3/4); x=1: (1000, 1000) → (1/2, 1/2) without overflow
    const sm = run(f32([0, 1000, Math.log(3), 1000], [2, 2]), ['channel', 'x'], { id: 'softmax', kwargs: {} });
    close(sm, [0.25, 0.5, 0.75, 0.5]);
    close(run(f32([0, Math.log(3)], [2]), ['x'], { id: 'softmax', kwargs: { axis: 'x' } }), [0.25, 0.75]);
  });

  it('keeps float64 as float64 and gives float32 otherwise', () => {
    const d: NdArray = { data: Float64Array.from([1, 2]), shape: [2] };
    expect(dtypeOf(run(d, ['x'], { id: 'scale_linear', kwargs: { gain: 2 } }))).toBe('float64');
    const u: NdArray = { data: Uint8Array.from([1, 2]), shape: [2] };
    const s = run(u, ['x'], { id: 'scale_linear', kwargs: { gain: 0.5 } });
    expect([dtypeOf(s), ...values(s)]).toEqual(['float32', 0.5, 1]);
  });

  it('runs the spec pipeline: implicit casts to data.type around preprocessing, after postprocessing', () => {
    const input: InputTensorDescr = {
      id: 'raw',
      description: '',
      axes: [{ type: 'space', id: 'x', size: 2, halo: 0, scale: 1, unit: null, concatenable: false }],
      test_tensor: null,
      sample_tensor: null,
      dtype: 'float32',
      data: null,
      optional: false,
      preprocessing: [{ id: 'scale_linear', kwargs: { gain: 0.5 } }]
    };
    const out = preprocess(input, { data: Uint16Array.from([3, 5]), shape: [2] }, { field: 'inputs[0]' });
    expect([dtypeOf(out), ...values(out)]).toEqual(['float32', 1.5, 2.5]);
    const output = { ...input, id: 'out', dtype: 'uint8' as const, postprocessing: [{ id: 'sigmoid', kwargs: {} }] };
    const post = postprocess(output, f32([100, -100], [2]), { field: 'outputs[0]' });
    expect([dtypeOf(post), ...values(post)]).toEqual(['uint8', 1, 0]);
  });

  it('names the op and field of a step biaflow does not support, and of bad kwargs', () => {
    const e = expectBioimageioError(() => applyProcessing(cx(), ['channel', 'x'], [{ id: 'sigmoid', kwargs: {} }, { id: 'stardist_postprocessing', kwargs: {} }], { field: 'outputs[0].postprocessing', file: 'm/bioimageio.yaml' }));
    expect(e.field).toBe('outputs[0].postprocessing[1].id');
    expect(e.message).toMatch(/^m\/bioimageio\.yaml: outputs\[0\]\.postprocessing\[1\]\.id: processing operation 'stardist_postprocessing' is not supported by biaflow/);
    expect(expectBioimageioError(() => run(cx(), ['channel', 'x'], { id: 'scale_linear', kwargs: { axis: 'channel', gain: [1, 2, 3] } })).message).toBe(
      "inputs[0].preprocessing[0].kwargs.gain: lists 3 values, axis 'channel' has size 2"
    );
    expect(expectBioimageioError(() => run(cx(), ['channel', 'x'], { id: 'zero_mean_unit_variance', kwargs: { axes: ['y'] } })).message).toMatch(
      /^inputs\[0\]\.preprocessing\[0\]\.kwargs\.axes: axis 'y' is not an axis of this tensor \(channel, x\)/
    );
    expect(expectBioimageioError(() => run(cx(), ['channel', 'x'], { id: 'binarize', kwargs: {} })).field).toBe('inputs[0].preprocessing[0].kwargs.threshold');
    expect(expectBioimageioError(() => run(cx(), ['channel', 'x'], { id: 'scale_range', kwargs: { max_percentile: 0.99 } })).message).toMatch(/must be in \(1, 100\], got 0\.99 \(percentiles, not fractions\)/);
    expect(expectBioimageioError(() => run(cx(), ['channel', 'x'], { id: 'scale_mean_variance', kwargs: { reference_tensor: 'nope' } })).message).toMatch(/tensor 'nope' is not available here/);
  });
});
