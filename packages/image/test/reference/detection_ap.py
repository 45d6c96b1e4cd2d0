"""Reference score-ranked detection AP, written from the definition in detection-ap.ts's doc comment
(numpy only), to check the TypeScript implementation on generated point sets.

    /usr/bin/python3 detection_ap.py input.json output.json

input:  {"cases": [{"tolerance": t, "tolerances": [...], "spacing": [...], "classes": [...],
                    "images": [{"name", "gt": [[y, x], ...], "gt_classes": [...],
                                "pred": [[y, x], ...], "pred_classes": [...], "scores": [...]}]}]}
output: {"results": [{"ap": {class: ap or null}, "map": m, "per_image": {name: {"ap", "map"}},
                      "ap_by_tolerance": [{"ap", "map"} for each of "tolerances", in order]}]}

Definition, per class c: the class-c predictions of all images sorted by (score descending, image
name, row); each in turn takes the nearest unmatched class-c true point of its own image within the
tolerance (lowest row on equal distance) -> TP, else FP; precision and recall after each prediction,
recall over all class-c true points; AP = area under the precision envelope (VOC 2010+ all-point).
"""
import json
import sys

import numpy as np


def points(rows, ndim):
    return np.asarray(rows, dtype=np.float64).reshape(-1, ndim)


def ranked_hits(images, cls, tolerance, spacing, ndim):
    """TP flags (1/0) of the class-cls predictions of `images`, in ranking order, and the number of true points."""
    queue = []
    for k, im in enumerate(images):
        for row, (score, pc) in enumerate(zip(im["scores"], im["pred_classes"])):
            if pc == cls:
                queue.append((-score, im["name"], row, k))
    queue.sort()
    truth = []
    for im in images:
        gt = points(im["gt"], ndim)
        keep = np.asarray(im["gt_classes"], dtype=np.int64) == cls
        truth.append({"xy": gt[keep], "free": np.ones(int(keep.sum()), dtype=bool)})
    hits = []
    for _, _, row, k in queue:
        t = truth[k]
        p = points(images[k]["pred"], ndim)[row]
        if len(t["xy"]) == 0:
            hits.append(0)
            continue
        dist = np.sqrt((((t["xy"] - p) * spacing) ** 2).sum(axis=1))
        ok = t["free"] & (dist <= tolerance)
        if not ok.any():
            hits.append(0)
            continue
        candidates = np.where(ok, dist, np.inf)
        best = int(np.argmin(candidates))  # first index among equal distances
        t["free"][best] = False
        hits.append(1)
    n_true = sum(len(t["xy"]) for t in truth)
    return np.asarray(hits, dtype=np.float64), n_true


def voc_ap(hits, n_true):
    if n_true == 0:
        return None
    if len(hits) == 0:
        return 0.0
    tp = np.cumsum(hits)
    fp = np.cumsum(1 - hits)
    rec = tp / n_true
    prec = tp / (tp + fp)
    mrec = np.concatenate([[0.0], rec, [1.0]])
    mpre = np.concatenate([[0.0], prec, [0.0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    steps = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))


def class_aps(images, classes, tolerance, spacing, ndim):
    ap = {}
    for c in classes:
        hits, n_true = ranked_hits(images, c, tolerance, spacing, ndim)
        ap[str(c)] = voc_ap(hits, n_true)
    defined = [v for v in ap.values() if v is not None]
    return {"ap": ap, "map": (sum(defined) / len(defined)) if defined else None}


def run(case):
    images = case["images"]
    ndim = len(case["spacing"])
    spacing = np.asarray(case["spacing"], dtype=np.float64)
    classes = case["classes"]
    out = class_aps(images, classes, case["tolerance"], spacing, ndim)
    out["per_image"] = {im["name"]: class_aps([im], classes, case["tolerance"], spacing, ndim) for im in images}
    out["ap_by_tolerance"] = [class_aps(images, classes, t, spacing, ndim) for t in case["tolerances"]]
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    with open(sys.argv[2], "w") as f:
        json.dump({"results": [run(c) for c in cases]}, f)


if __name__ == "__main__":
    main()
