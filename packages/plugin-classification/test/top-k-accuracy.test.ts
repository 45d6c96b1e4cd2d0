import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluateClassification } from '@biaflow/plugin-classification';

/**
 * top_k_accuracy through the classification plugin's evaluate, on a predictions.csv and class
 * folders written to a temp folder; expected values worked out by hand.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-topk-'));
const truth = path.join(dir, 'test');
// Ground truth: the folders are the classes; the files only need an image extension to be listed.
for (const file of ['A/a1.png', 'B/b1.png', 'C/c1.png', 'C/c2.png']) {
  fs.mkdirSync(path.join(truth, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(truth, file), '');
}

function table(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

// True class rank (0 = highest score; ties: lower class index first):
//   a1 (A): A .5 > B .3 > C .2 → rank 0
//   b1 (B): rank 1
//   c1 (C): rank 2
//   c2 (C): A .4 = C .4 > B .2 → A comes first on the tie → rank 1
const scored = table('scored.csv', [
  'image,class,class_index,score_A,score_B,score_C',
  'A/a1.png,A,0,0.5,0.3,0.2',
  'B/b1.png,A,0,0.5,0.3,0.2',
  'C/c1.png,A,0,0.5,0.3,0.2',
  'C/c2.png,A,0,0.4,0.2,0.4',
]);

function warnings() {
  const lines: string[] = [];
  return { lines, logger: { warn: (_obj: unknown, msg: string) => lines.push(msg) } as never };
}

test('top_k_accuracy: the fraction of images whose true class is among the k highest scores', () => {
  const at = (k: number) => evaluateClassification({ predictions: scored, groundTruth: truth, classes: ['A', 'B', 'C'], topK: k }).overall;
  // k = 1: only a1 → 1/4, the accuracy (the predicted class is the top score).
  expect(at(1)).toMatchObject({ top_k: 1, top_k_accuracy: 0.25, accuracy: 0.25 });
  // k = 2: a1, b1, c2 → 3/4.
  expect(at(2)).toMatchObject({ top_k: 2, top_k_accuracy: 0.75 });
  // k = 3 with 3 classes: every image would count → null; the default k = 5 too.
  expect(at(3)).toMatchObject({ top_k: 3, top_k_accuracy: null });
  expect(evaluateClassification({ predictions: scored, groundTruth: truth }).overall).toMatchObject({ top_k: 5, top_k_accuracy: null });
});

test('a class without a score column: top_k_accuracy is null, with a warning naming the column', () => {
  const partial = table('partial.csv', ['image,class,score_A,score_B', 'A/a1.png,A,0.6,0.4', 'B/b1.png,A,0.6,0.4', 'C/c1.png,A,0.6,0.4', 'C/c2.png,A,0.6,0.4']);
  const { lines, logger } = warnings();
  const o = evaluateClassification({ predictions: partial, groundTruth: truth, classes: ['A', 'B', 'C'], topK: 1, logger }).overall;
  expect(o.top_k_accuracy).toBeNull();
  expect(o.accuracy).toBe(0.25);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('score_C');
  expect(lines[0]).toContain(partial);
});

test('an empty score cell is no score (not 0)', () => {
  const blank = table('blank.csv', ['image,class,score_A,score_B,score_C', 'A/a1.png,A,0.5,0.3,0.2', 'B/b1.png,A,0.5,,0.2', 'C/c1.png,A,0.5,0.3,0.2', 'C/c2.png,A,0.4,0.2,0.4']);
  const { lines, logger } = warnings();
  expect(evaluateClassification({ predictions: blank, groundTruth: truth, classes: ['A', 'B', 'C'], topK: 2, logger }).overall.top_k_accuracy).toBeNull();
  expect(lines[0]).toContain('score_B');
});
