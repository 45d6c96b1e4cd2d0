const { readNpy } = require('@biaflow/bioimageio');
const { readImage } = require('@biaflow/core');
const fs = require('fs');
(async () => {
  const y = readNpy(new Uint8Array(fs.readFileSync('packages/bioimageio/test/fixtures/unet2d_nuclei_broad/test_output.npy')), 'out');
  const p = await readImage(process.argv[2]);
  let m = 0; for (let i = 0; i < y.data.length; i++) m = Math.max(m, Math.abs(y.data[i] - p.data[i]));
  console.log(p.shape, p.axes, p.dtype, y.shape, 'max diff', m);
})();
