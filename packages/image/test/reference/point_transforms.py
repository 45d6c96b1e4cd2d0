"""Reference positions of points after a geometric transform, found on images (numpy + scipy), to
check the TypeScript point transforms (flipPoints, rot90Points, warpPoints, cropPoints) against what
the transform does to pixels.

    /usr/bin/python3 point_transforms.py input.json output.json

input:  {"cases": [{"shape": [Y, X] or [Z, Y, X], "points": [[y, x], ...], "sigma": s,
                    "transform": {"kind": "flip", "axis": a}
                               | {"kind": "rot90", "k": k}
                               | {"kind": "warp", "angle": rad, "zoom": z, "zoom_z": zz,
                                  "displacement": [dy, dx, dy, dx, ...] (Y*X pairs) or null}
                               | {"kind": "crop", "origin": [...], "size": [...]}}]}
output: {"results": [{"shape": output shape, "peaks": [[[y, x], ...] for each input point]}]}

Each point is drawn alone as a Gaussian blob (sigma px) on the input grid, the image is transformed
(numpy flip / rot90; scipy.ndimage.map_coordinates, cubic spline, mode "mirror" = numpy "reflect",
for the warp, whose output -> source map is written here from its definition: output (y, x) reads
(cy + (cos t (y - cy) - sin t (x - cx)) / z + dy, cx + (sin t (y - cy) + cos t (x - cx)) / z + dx),
c the centre ((n - 1) / 2), z planes cz + (k - cz) / zz; numpy "reflect" indices for the crop), and
the blob's peaks in the output are located: local maxima above 0.3, refined to sub-pixel by the
vertex of a quadratic fitted to the logarithm of the 3x3 (3x3x3) neighbourhood (exact for a Gaussian,
also when the transform stretches or shears it). A point shows as several peaks where the output holds mirrored content, none when it left.
"""
import json
import sys

import numpy as np
from scipy import ndimage


def blob(shape, point, sigma):
    grids = np.meshgrid(*[np.arange(n, dtype=np.float64) for n in shape], indexing="ij")
    r2 = sum((g - c) ** 2 for g, c in zip(grids, point))
    return np.exp(-r2 / (2 * sigma * sigma))


def warp(img, t):
    ndim = img.ndim
    Y, X = img.shape[-2:]
    cy, cx = (Y - 1) / 2, (X - 1) / 2
    yy, xx = np.meshgrid(np.arange(Y, dtype=np.float64), np.arange(X, dtype=np.float64), indexing="ij")
    c, s, z = np.cos(t["angle"]), np.sin(t["angle"]), t["zoom"]
    sy = cy + (c * (yy - cy) - s * (xx - cx)) / z
    sx = cx + (s * (yy - cy) + c * (xx - cx)) / z
    if t.get("displacement") is not None:
        d = np.asarray(t["displacement"], dtype=np.float64).reshape(Y, X, 2)
        sy = sy + d[..., 0]
        sx = sx + d[..., 1]
    if ndim == 2:
        return ndimage.map_coordinates(img, [sy, sx], order=3, mode="mirror")
    Z = img.shape[0]
    cz = (Z - 1) / 2
    sz = cz + (np.arange(Z, dtype=np.float64) - cz) / t["zoom_z"]
    coords = [np.broadcast_to(sz[:, None, None], (Z, Y, X)), np.broadcast_to(sy, (Z, Y, X)), np.broadcast_to(sx, (Z, Y, X))]
    return ndimage.map_coordinates(img, coords, order=3, mode="mirror")


def reflect(i, n):
    """numpy "reflect" index (the edge is not repeated)."""
    if n == 1:
        return np.zeros_like(i)
    period = 2 * (n - 1)
    m = np.mod(i, period)
    return np.where(m < n, m, period - m)


def crop(img, origin, size):
    index = [reflect(np.arange(o, o + s), n) for o, s, n in zip(origin, size, img.shape)]
    return img[np.ix_(*index)]


def transform(img, t):
    if t["kind"] == "flip":
        return np.flip(img, axis=t["axis"])
    if t["kind"] == "rot90":
        return np.rot90(img, t["k"], axes=(img.ndim - 2, img.ndim - 1))
    if t["kind"] == "warp":
        return warp(img, t)
    if t["kind"] == "crop":
        return crop(img, t["origin"], t["size"])
    raise ValueError(t["kind"])


def peaks(img):
    local = (img == ndimage.maximum_filter(img, size=3, mode="constant", cval=0)) & (img > 0.3)
    out = []
    ndim = img.ndim
    offsets = np.array(np.meshgrid(*[[-1, 0, 1]] * ndim, indexing="ij")).reshape(ndim, -1).T
    for at in np.argwhere(local):
        if np.any(at < 1) or np.any(at >= np.array(img.shape) - 1):
            out.append([float(v) for v in at])  # on the border: no neighbours on one side
            continue
        # log f is quadratic in p for a Gaussian blob under an affine map: fit c + g.p + p'Hp/2 over
        # the 3^ndim neighbourhood (least squares) and take its vertex -H^-1 g.
        values = np.log(np.maximum([img[tuple(at + o)] for o in offsets], 1e-300))
        columns = [np.ones(len(offsets))] + [offsets[:, a] for a in range(ndim)]
        pairs = [(a, b) for a in range(ndim) for b in range(a, ndim)]
        columns += [offsets[:, a] * offsets[:, b] for a, b in pairs]
        coef = np.linalg.lstsq(np.array(columns).T, values, rcond=None)[0]
        g = coef[1 : 1 + ndim]
        H = np.zeros((ndim, ndim))
        for (a, b), c in zip(pairs, coef[1 + ndim :]):
            H[a, b] += c if a != b else 2 * c
            if a != b:
                H[b, a] += c
        try:
            step = -np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            step = np.zeros(ndim)
        if np.any(np.abs(step) > 1):
            step = np.zeros(ndim)
        out.append([float(v) for v in at + step])
    return out


def main():
    cases = json.load(open(sys.argv[1]))["cases"]
    results = []
    for case in cases:
        shape = case["shape"]
        found = []
        out_shape = None
        for p in case["points"]:
            img = transform(blob(shape, p, case["sigma"]), case["transform"])
            out_shape = list(img.shape)
            found.append(peaks(img))
        results.append({"shape": out_shape, "peaks": found})
    json.dump({"results": results}, open(sys.argv[2], "w"))


main()
