"""Reference Aggregated Jaccard Index (numpy only), written from the MoNuSeg definition, to check the
TypeScript aji() on generated label images.

    /usr/bin/python3 aji.py input.json output.json

input:  {"images": [{"shape": [...], "gt": [flat labels], "pred": [flat labels]}]}
output: {"per_image": [{"intersection", "union", "aji"}], "dataset": {"intersection", "union", "aji"}}

MoNuSeg (Aggregated_Jaccard_Index_v1_0.m): every true object G takes, among the predicted objects
overlapping it, the one with the largest IoU (strictly larger wins, predicted labels visited in
ascending order, so equal IoUs go to the lowest label); C += |G & P|, U += |G | P| (a predicted object
chosen twice is counted twice); a G overlapping nothing adds |G| to U; every predicted object never
chosen adds |P| to U once. IoUs are compared as exact fractions.
"""
import json
import sys
from fractions import Fraction

import numpy as np


def aji_counts(gt, pred):
    inter_total = 0
    union_total = 0
    used = set()
    for g in np.unique(gt):
        if g == 0:
            continue
        g_mask = gt == g
        best, best_iou = None, Fraction(0)
        for p in np.unique(pred[g_mask]):  # ascending labels
            if p == 0:
                continue
            p_mask = pred == p
            iou = Fraction(int(np.sum(g_mask & p_mask)), int(np.sum(g_mask | p_mask)))
            if iou > best_iou:
                best, best_iou = p, iou
        if best is None:
            union_total += int(g_mask.sum())
            continue
        p_mask = pred == best
        inter_total += int(np.sum(g_mask & p_mask))
        union_total += int(np.sum(g_mask | p_mask))
        used.add(int(best))
    for p in np.unique(pred):
        if p != 0 and int(p) not in used:
            union_total += int(np.sum(pred == p))
    return inter_total, union_total


def result(inter, union):
    return {"intersection": inter, "union": union, "aji": (inter / union) if union > 0 else None}


def main():
    with open(sys.argv[1]) as f:
        images = json.load(f)["images"]
    per_image = []
    total_i = total_u = 0
    for im in images:
        gt = np.asarray(im["gt"], dtype=np.int64).reshape(im["shape"])
        pred = np.asarray(im["pred"], dtype=np.int64).reshape(im["shape"])
        i, u = aji_counts(gt, pred)
        per_image.append(result(i, u))
        total_i += i
        total_u += u
    with open(sys.argv[2], "w") as f:
        json.dump({"per_image": per_image, "dataset": result(total_i, total_u)}, f)


if __name__ == "__main__":
    main()
