import { dropBorderObjects } from 'biaflow-plugin-drop-border';

test('objects touching the border are dropped, inner ones kept (2D)', () => {
  // 1 touches the top edge, 2 is inside, 3 touches the right edge.
  // prettier-ignore
  const data = new Uint16Array([
    0, 1, 1, 0, 0,
    0, 1, 0, 0, 0,
    0, 0, 2, 0, 3,
    0, 0, 2, 0, 3,
    0, 0, 0, 0, 0,
  ]);
  const out = dropBorderObjects({ data, shape: [5, 5] });
  expect([...new Set(out.data)].sort()).toEqual([0, 2]);
  expect(out.data[12]).toBe(2);
  expect(data[1]).toBe(1); // input untouched
});

test('margin widens the border, and 3D works', () => {
  const shape = [6, 6, 6];
  const data = new Int32Array(6 * 6 * 6);
  data[2 * 36 + 1 * 6 + 1] = 5; // one voxel from the y/x borders
  data[2 * 36 + 3 * 6 + 3] = 6; // two voxels from every border
  expect([...new Set(dropBorderObjects({ data, shape }).data)].sort()).toEqual([0, 5, 6]);
  expect([...new Set(dropBorderObjects({ data, shape }, 1).data)].sort()).toEqual([0, 6]);
});
