import path from 'node:path';
import type { NdArray } from '@biaflow/image';
import { readImage } from '@biaflow/io';
import { checkCase, FIXTURES, loadCases } from './reference-cases';

// The 25 golden cases (scikit-image 0.19.3 / scipy 1.10.1), read from the compressed TIFF fixtures
// with core's image reader, each checked with the tolerance its manifest entry states.
const read = async (rel: string): Promise<NdArray> => {
  const image = await readImage(path.join(FIXTURES, rel));
  return { data: image.data, shape: image.shape };
};

const cases = loadCases();

test('the manifest holds the 25 reference cases', () => {
  expect(cases).toHaveLength(25);
});

test.each(cases.map((c) => [c.case, c] as const))('%s matches the reference', async (_name, c) => {
  expect(await checkCase(c, read)).toEqual([]);
});
