/**
 * Minimum-cost assignment of every row to a distinct column (rows ≤ columns), by shortest augmenting
 * paths with potentials (Kuhn–Munkres in the Jonker–Volgenant form), O(rows² · columns).
 * `cost` is row-major rows × columns. Returns the column of each row.
 */
export function linearAssignment(cost: Float64Array, rows: number, columns: number): Int32Array {
  if (rows > columns) throw new Error(`linearAssignment needs rows ≤ columns, got ${rows} × ${columns}`);
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(columns + 1);
  // rowOf[j]: 1-based row assigned to column j (0: free); column 0 is the augmenting path's root.
  const rowOf = new Int32Array(columns + 1);
  const way = new Int32Array(columns + 1);
  const minv = new Float64Array(columns + 1);
  const used = new Uint8Array(columns + 1);
  for (let i = 1; i <= rows; i++) {
    rowOf[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0];
      const base = (i0 - 1) * columns - 1;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= columns; j++) {
        if (used[j]) continue;
        const cur = cost[base + j] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= columns; j++) {
        if (used[j]) {
          u[rowOf[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do {
      const j1 = way[j0];
      rowOf[j0] = rowOf[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOfRow = new Int32Array(rows).fill(-1);
  for (let j = 1; j <= columns; j++) if (rowOf[j] !== 0) colOfRow[rowOf[j] - 1] = j - 1;
  return colOfRow;
}

/**
 * Maximum-weight matching of a sparse bipartite graph with positive edge weights: the graph is cut
 * into connected components and each is solved as a dense assignment (absent edges weigh 0, i.e.
 * "unmatched"). Returns, per edge, whether it is in the matching.
 */
export function maxWeightMatching(
  nLeft: number,
  nRight: number,
  left: Int32Array,
  right: Int32Array,
  weight: Float64Array,
  components?: EdgeComponents,
): Uint8Array {
  const comps = components ?? edgeComponents(nLeft, nRight, left, right);
  const chosen = new Uint8Array(left.length);
  for (const c of comps.list) {
    const edges = c.edges;
    if (edges.length === 1) {
      if (weight[edges[0]] > 0) chosen[edges[0]] = 1;
      continue;
    }
    const rowsAreLeft = c.left.length <= c.right.length;
    const rows = rowsAreLeft ? c.left.length : c.right.length;
    const cols = rowsAreLeft ? c.right.length : c.left.length;
    const cost = new Float64Array(rows * cols);
    // Edge id per dense cell (-1: no edge); parallel edges cannot occur (one entry per pair).
    const edgeAt = new Int32Array(rows * cols).fill(-1);
    for (const e of edges) {
      const r = rowsAreLeft ? comps.localLeft[left[e]] : comps.localRight[right[e]];
      const k = rowsAreLeft ? comps.localRight[right[e]] : comps.localLeft[left[e]];
      cost[r * cols + k] = -weight[e];
      edgeAt[r * cols + k] = e;
    }
    const assigned = linearAssignment(cost, rows, cols);
    for (let r = 0; r < rows; r++) {
      const e = edgeAt[r * cols + assigned[r]];
      if (e >= 0 && weight[e] > 0) chosen[e] = 1;
    }
  }
  return chosen;
}

export interface EdgeComponents {
  list: { left: number[]; right: number[]; edges: number[] }[];
  /** Position of each left / right node within its component. */
  localLeft: Int32Array;
  localRight: Int32Array;
}

/** Connected components of a bipartite edge list (only nodes with edges appear). */
export function edgeComponents(nLeft: number, nRight: number, left: Int32Array, right: Int32Array): EdgeComponents {
  const parent = new Int32Array(nLeft + nRight);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let e = 0; e < left.length; e++) {
    const a = find(left[e]);
    const b = find(nLeft + right[e]);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const byRoot = new Map<number, { left: number[]; right: number[]; edges: number[] }>();
  const localLeft = new Int32Array(nLeft).fill(-1);
  const localRight = new Int32Array(nRight).fill(-1);
  const comp = (root: number) => {
    let c = byRoot.get(root);
    if (!c) byRoot.set(root, (c = { left: [], right: [], edges: [] }));
    return c;
  };
  for (let e = 0; e < left.length; e++) {
    const c = comp(find(left[e]));
    c.edges.push(e);
    if (localLeft[left[e]] < 0) localLeft[left[e]] = c.left.push(left[e]) - 1;
    if (localRight[right[e]] < 0) localRight[right[e]] = c.right.push(right[e]) - 1;
  }
  return { list: [...byRoot.values()], localLeft, localRight };
}
