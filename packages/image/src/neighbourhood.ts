/**
 * Neighbour offsets of a voxel for a connectivity, as [dz, dy, dx] (dz = 0 in 2D).
 *
 * The order matters for watershed: it pushes neighbours in this order, and the push order breaks
 * ties between equal values. It is the order scikit-image 0.19 uses (`_offsets_to_raveled_neighbors`
 * sorts the footprint's offsets by distance with numpy's default, unstable sort); it was read off
 * skimage 0.19.3 / numpy 1.24 for every connectivity, so floods agree voxel for voxel.
 */
const ORDER: Record<string, number[][]> = {
  '2/1': [[0, -1, 0], [0, 0, -1], [0, 0, 1], [0, 1, 0]],
  '2/2': [[0, -1, 0], [0, 0, -1], [0, 0, 1], [0, 1, 0], [0, -1, -1], [0, -1, 1], [0, 1, -1], [0, 1, 1]],
  '3/1': [[-1, 0, 0], [0, -1, 0], [0, 0, -1], [0, 0, 1], [0, 1, 0], [1, 0, 0]],
  '3/2': [
    [1, 0, 0], [-1, 0, 0], [0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1],
    [1, 0, -1], [1, -1, 0], [0, 1, 1], [0, 1, -1], [-1, -1, 0], [0, -1, 1],
    [0, -1, -1], [-1, 1, 0], [-1, 0, 1], [-1, 0, -1], [1, 0, 1], [1, 1, 0],
  ],
  '3/3': [
    [0, 1, 0], [-1, 0, 0], [0, 0, 1], [0, 0, -1], [1, 0, 0], [0, -1, 0],
    [0, 1, 1], [0, 1, -1], [1, 1, 0], [0, -1, 1], [0, -1, -1], [-1, 1, 0],
    [1, 0, 1], [-1, 0, 1], [-1, 0, -1], [-1, -1, 0], [1, 0, -1], [1, -1, 0],
    [1, 1, -1], [-1, -1, -1], [1, -1, -1], [-1, 1, 1], [-1, 1, -1], [-1, -1, 1],
    [1, -1, 1], [1, 1, 1],
  ],
};

export function neighbourOffsets(ndim: number, connectivity: number): number[][] {
  const order = ORDER[`${ndim}/${connectivity}`];
  if (!order) throw new Error(`no neighbourhood for ${ndim}D connectivity ${connectivity}`);
  return order.map((o) => [...o]);
}

/** Raveled (flat-index) offsets of the neighbours in a [Z, Y, X] volume. */
export function raveledOffsets(offsets: number[][], Y: number, X: number): Int32Array {
  return Int32Array.from(offsets, ([dz, dy, dx]) => dz * Y * X + dy * X + dx);
}
