"""Python peer of bench/postproc.mjs: times the same work with scipy / scikit-image.

Usage: python3 postproc_peer.py JOB.json
The job lists inputs (raw little-endian files written by the Node side, so both sides work on
identical data) and operations. For each operation this script runs the reference call `warmup`
times untimed, then `repeats` times, records every wall time (time.perf_counter around the call only), writes the last result
next to the inputs for the Node side to compare, and prints one JSON object with the timings.
"""
import json
import sys
import time

import numpy as np
import scipy.ndimage as ndi
from scipy.optimize import linear_sum_assignment
from skimage.measure import label
from skimage.segmentation import relabel_sequential, watershed


def matching(y_true, y_pred, thresholds):
    """StarDist's matching (IoU criterion) written with numpy and scipy's linear_sum_assignment."""
    y_true, _, _ = relabel_sequential(y_true)
    y_pred, _, _ = relabel_sequential(y_pred)
    nt = int(y_true.max()) + 1
    npred = int(y_pred.max()) + 1
    overlap = np.bincount(
        y_true.ravel().astype(np.int64) * npred + y_pred.ravel(), minlength=nt * npred
    ).reshape(nt, npred)
    n_pixels_pred = overlap.sum(axis=0, keepdims=True)
    n_pixels_true = overlap.sum(axis=1, keepdims=True)
    scores = (overlap / (n_pixels_pred + n_pixels_true - overlap))[1:, 1:]
    n_true, n_pred = scores.shape
    n_matched = min(n_true, n_pred)
    out = {}
    for thr in thresholds:
        not_trivial = n_matched > 0 and np.any(scores >= thr)
        tp, sum_matched = 0, 0.0
        if not_trivial:
            costs = -(scores >= thr).astype(float) - scores / (2 * n_matched)
            rows, cols = linear_sum_assignment(costs)
            ok = scores[rows, cols] >= thr
            tp = int(np.count_nonzero(ok))
            sum_matched = float(np.sum(scores[rows, cols][ok]))
        fp, fn = n_pred - tp, n_true - tp
        out[str(thr)] = dict(
            tp=tp, fp=fp, fn=fn, n_true=n_true, n_pred=n_pred,
            precision=tp / (tp + fp) if tp else 0, recall=tp / (tp + fn) if tp else 0,
            accuracy=tp / (tp + fp + fn) if tp else 0, f1=2 * tp / (2 * tp + fp + fn) if tp else 0,
            mean_true_score=sum_matched / n_true if n_true else 0.0,
            mean_matched_score=sum_matched / tp if tp else 0.0,
            panoptic_quality=sum_matched / (tp + fp / 2 + fn / 2) if tp + fp + fn else 0.0,
        )
    return out


def voronoi(labels, mask):
    _, indices = ndi.distance_transform_edt(labels == 0, return_indices=True)
    out = labels[tuple(indices)]
    out[mask == 0] = 0
    return out


def main():
    job = json.load(open(sys.argv[1]))
    arrays = {}
    for name, spec in job["inputs"].items():
        arrays[name] = np.fromfile(spec["file"], dtype=spec["dtype"]).reshape(spec["shape"])
    timings = {}
    for op in job["ops"]:
        a = [arrays[n] for n in op["args"]]
        kind = op["kind"]
        if kind == "edt":
            call = lambda: ndi.distance_transform_edt(a[0])
        elif kind == "label":
            call = lambda: label(a[0])
        elif kind == "watershed":
            call = lambda: watershed(a[0], a[1], connectivity=1, mask=a[2].astype(bool))
        elif kind == "voronoi":
            call = lambda: voronoi(a[0], a[1])
        elif kind == "matching":
            call = lambda: matching(a[0], a[1], op["thresholds"])
        else:
            raise ValueError(kind)
        for _ in range(op.get("warmup", 0)):
            call()
        times = []
        for _ in range(op["repeats"]):
            t0 = time.perf_counter()
            result = call()
            times.append(time.perf_counter() - t0)
        timings[op["name"]] = times
        if kind == "matching":
            json.dump(result, open(op["out"], "w"))
        else:
            np.ascontiguousarray(result.astype(op["out_dtype"])).tofile(op["out"])
        del result
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
