const { readImage } = require('@biaflow/core');
(async () => {
  for (const f of process.argv.slice(2)) {
    const p = await readImage(f);
    let mx = -Infinity, mn = Infinity, nz = 0; for (const v of p.data) { mx = Math.max(mx, v); mn = Math.min(mn, v); if (v > 0) nz++; }
    console.log(f, p.shape, p.axes, p.dtype, mn, mx, nz);
  }
})();
