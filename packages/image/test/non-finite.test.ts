import { countNonFinite, describeNonFinite, screenNonFiniteSamples } from '@biaflow/image';

// NaN and ±∞ samples: counted, described, refused or replaced by the median of their channel's
// finite samples. Expected medians worked out by hand (numpy's median: the mean of the middle two).

describe('countNonFinite and describeNonFinite', () => {
  test('NaN and ±∞ are counted apart; integer arrays hold neither', () => {
    expect(countNonFinite(new Float32Array([NaN, 1, Infinity, -Infinity, NaN, NaN, 0]))).toEqual({ nan: 3, infinite: 2 });
    expect(countNonFinite([1, 2, -0, Number.MAX_VALUE])).toEqual({ nan: 0, infinite: 0 });
    expect(countNonFinite(new Uint8Array([0, 255]))).toEqual({ nan: 0, infinite: 0 });
  });

  test('says the counts in words, singular or plural', () => {
    expect(describeNonFinite({ nan: 1, infinite: 0 })).toBe('1 NaN value');
    expect(describeNonFinite({ nan: 0, infinite: 3 })).toBe('3 infinite values');
    expect(describeNonFinite({ nan: 200, infinite: 3 })).toBe('200 NaN and 3 infinite values');
  });
});

describe('screenNonFiniteSamples', () => {
  test('a clean image, or an integer one, is returned as it is (the same object)', () => {
    const clean = { data: new Float64Array([0, 1, 2, 3]), shape: [2, 2, 1] };
    expect(screenNonFiniteSamples(clean, 'refuse')).toEqual({ outcome: 'clean', image: clean });
    const kept = screenNonFiniteSamples(clean, 'replace');
    expect(kept.outcome === 'clean' && kept.image).toBe(clean);
    const integers = { data: new Int16Array([-1, 7]), shape: [1, 2, 1] };
    const scanned = screenNonFiniteSamples(integers, 'refuse');
    expect(scanned.outcome === 'clean' && scanned.image).toBe(integers);
  });

  test('refuse: the count and the number of samples, nothing replaced', () => {
    const image = { data: new Float32Array([1, NaN, 3, -Infinity, 5, 6]), shape: [3, 2] };
    expect(screenNonFiniteSamples(image, 'refuse')).toEqual({ outcome: 'refused', count: { nan: 1, infinite: 1 }, samples: 6 });
  });

  test('replace: per channel of the last axis (model layout) by the median of its finite samples; the input is unchanged', () => {
    // Channel 0: 4, NaN, 1, 10 → median of [1, 4, 10] is 4. Channel 1: 2, 8, Infinity, 6 → median of [2, 6, 8] is 6.
    const data = new Float32Array([4, 2, NaN, 8, 1, Infinity, 10, 6]);
    const before = Array.from(data);
    const screened = screenNonFiniteSamples({ data, shape: [2, 2, 2] }, 'replace');
    expect(screened.outcome).toBe('replaced');
    if (screened.outcome !== 'replaced') return;
    expect(screened.replaced).toEqual({ nan: 1, infinite: 1, values: [4, 6] });
    expect(Array.from(screened.image.data)).toEqual([4, 2, 4, 8, 1, 6, 10, 6]);
    expect(screened.image.data).toBeInstanceOf(Float32Array);
    expect(screened.image.shape).toEqual([2, 2, 2]);
    expect(Array.from(data)).toEqual(before);
  });

  test("an Image's C or S axes tell its channels apart; given axes override; an even count takes the mean of the middle two", () => {
    // CYX: channel 0 is [1, 2, 3, NaN] → 2; channel 1 is [100, 200, 300, 400], clean.
    const cyx = { data: new Float32Array([1, 2, 3, NaN, 100, 200, 300, 400]), shape: [2, 2, 2], axes: 'CYX', spacing: [null, null, null], dtype: 'float32' as const };
    const byAxes = screenNonFiniteSamples(cyx, 'replace');
    expect(byAxes.outcome === 'replaced' && Array.from(byAxes.image.data)).toEqual([1, 2, 3, 2, 100, 200, 300, 400]);
    // No channel axis: one channel of [1, 2, 3, 100, 200, 300, 400] → 100.
    const whole = screenNonFiniteSamples(cyx, 'replace', []);
    expect(whole.outcome === 'replaced' && whole.replaced.values).toEqual([100]);
    // Channels over axes 0 and 2 of [2, 2, 2] (4 channels): [1, 3] → 2, [2, NaN] → 2, [100, 300] → 200, [200, 400] → 300.
    const pairs = screenNonFiniteSamples({ data: cyx.data, shape: [2, 2, 2] }, 'replace', [0, 2]);
    expect(pairs.outcome === 'replaced' && pairs.replaced.values).toEqual([2, 2, 200, 300]);
    // Over axis 1 alone: [1, 2, 100, 200] → 51 (the mean of the middle two); [3, NaN, 300, 400] → 300.
    const rows = screenNonFiniteSamples({ data: cyx.data, shape: [2, 2, 2] }, 'replace', [1]);
    expect(rows.outcome === 'replaced' && rows.replaced.values).toEqual([51, 300]);
    expect(rows.outcome === 'replaced' && Array.from(rows.image.data)).toEqual([1, 2, 3, 300, 100, 200, 300, 400]);
  });

  test('replace, but a channel holds no finite sample: which channel, of how many, and the count', () => {
    const image = { data: new Float64Array([NaN, 1, Infinity, 2]), shape: [2, 1, 2] };
    expect(screenNonFiniteSamples(image, 'replace')).toEqual({ outcome: 'empty-channel', count: { nan: 1, infinite: 1 }, channel: 0, channels: 2 });
    const single = { data: new Float64Array([NaN, NaN]), shape: [2, 1] };
    expect(screenNonFiniteSamples(single, 'replace')).toEqual({ outcome: 'empty-channel', count: { nan: 2, infinite: 0 }, channel: 0, channels: 1 });
  });
});
