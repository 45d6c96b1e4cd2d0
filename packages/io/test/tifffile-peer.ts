import { spawnSync } from 'node:child_process';

/** What tifffile (the Python reference reader) says about a TIFF file. */
export interface TifffileView {
  shape: number[];
  dtype: string;
  sha256: string;
  axes: string;
  isImagej: boolean;
  imagej: Record<string, string | number | boolean> | null;
  xResolution: [number, number] | null;
  yResolution: [number, number] | null;
  compression: number;
  predictor: number;
}

const PYTHON = '/usr/bin/python3';
const SCRIPT = `
import sys, json, hashlib
import numpy as np, tifffile
out = []
for f in sys.argv[1:]:
    with tifffile.TiffFile(f) as t:
        s = t.series[0]
        a = np.ascontiguousarray(s.asarray())
        if a.dtype.byteorder == '>':
            a = a.astype(a.dtype.newbyteorder('<'))
        p = t.pages[0]
        xr = p.tags.get('XResolution')
        yr = p.tags.get('YResolution')
        out.append({'shape': list(a.shape), 'dtype': str(a.dtype), 'sha256': hashlib.sha256(a.tobytes()).hexdigest(),
                    'axes': s.axes, 'isImagej': bool(t.is_imagej), 'imagej': t.imagej_metadata,
                    'xResolution': list(xr.value) if xr else None, 'yResolution': list(yr.value) if yr else None,
                    'compression': int(p.compression), 'predictor': int(p.predictor)})
print(json.dumps(out))
`;

let available: boolean | undefined;

/** Whether /usr/bin/python3 with tifffile is on this machine; says so once when it is not. */
export function tifffileAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import tifffile, numpy'], { encoding: 'utf8' });
    available = r.status === 0;
    if (!available) {
      console.warn(
        `SKIPPED the tifffile half of the round-trip checks: ${PYTHON} with tifffile is not available ` +
          `(${(r.error?.message ?? r.stderr ?? '').trim().split('\n').pop()}). Only our own reader was checked.`,
      );
    }
  }
  return available;
}

/** Read files with tifffile in one Python process. */
export function readWithTifffile(files: string[]): TifffileView[] {
  const r = spawnSync(PYTHON, ['-c', SCRIPT, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tifffile failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TifffileView[];
}
