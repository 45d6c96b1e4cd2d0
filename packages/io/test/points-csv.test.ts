import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@biaflow/core/internals';
import { parsePointsCsv, readPoints, writePoints } from '@biaflow/io';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-points-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('points CSV (BiaPy / napari layout)', () => {
  it('reads napari-style 3D points: axis-0 is the plane, extra columns kept as text', async () => {
    const file = path.join(dir, 'a.csv');
    fs.writeFileSync(file, '\uFEFFindex,axis-0,axis-1,axis-2,note\r\n0,1.5,10,20,first\r\n1,2,11.25,21,"with, comma"\r\n\r\n');
    const p = await readPoints(file);
    expect(p.ndim).toBe(3);
    expect(Array.from(p.coordinates)).toEqual([1.5, 10, 20, 2, 11.25, 21]);
    expect(p.classes).toBeUndefined();
    expect(p.columns).toEqual(['index', 'axis-0', 'axis-1', 'axis-2', 'note']);
    expect(p.extra).toEqual({ index: ['0', '1'], note: ['first', 'with, comma'] });
  });

  it('reads 2D points with class and probability in any column order', () => {
    const p = parsePointsCsv('b.csv', 'class,axis-1,prob,axis-0\n2,5,0.75,7\n1,6,0.5,8\n');
    expect(p.ndim).toBe(2);
    expect(Array.from(p.coordinates)).toEqual([7, 5, 8, 6]);
    expect(Array.from(p.classes!)).toEqual([2, 1]);
    expect(Array.from(p.scores!)).toEqual([0.75, 0.5]);
  });

  it('a CSV without axis-0 is an InputError naming the file and the columns it has', async () => {
    const file = path.join(dir, 'no-axis0.csv');
    fs.writeFileSync(file, 'index,x,y\n0,1,2\n');
    const err = await readPoints(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(
      `${file}: points CSV has no axis-0 or axis-1 column (found: index, x, y); expected BiaPy/napari columns axis-0, axis-1[, axis-2] = row, column[, plane first for 3D]`,
    );
  });

  it.each([
    ['axis-0,axis-1\n1,abc\n', /line 2: column axis-1 is 'abc', not a number/],
    ['axis-0,axis-1\n1\n', /line 2: column axis-1 is '', not a number/],
    ['axis-0,axis-1,class\n1,2,1.5\n', /line 2: class '1.5' is not an integer/],
    ['', /points CSV is empty/],
    ['axis-1\n3\n', /no axis-0 column/],
  ])('refuses %j', (text, message) => {
    expect(() => parsePointsCsv('c.csv', text)).toThrow(message);
  });

  it('an empty list (header only) is fine', () => {
    const p = parsePointsCsv('d.csv', 'axis-0,axis-1\n');
    expect(p.coordinates.length).toBe(0);
  });

  it('writes what it reads: index, axis-0.., class, prob', async () => {
    const file = path.join(dir, 'out', 'points.csv');
    const points = {
      ndim: 3 as const,
      coordinates: Float64Array.from([1, 2, 3, 4.5, 5, 6]),
      classes: Int32Array.from([1, 2]),
      scores: Float32Array.from([0.5, 0.25]),
    };
    await writePoints(file, points);
    expect(fs.readFileSync(file, 'utf8')).toBe('index,axis-0,axis-1,axis-2,class,prob\n0,1,2,3,1,0.5\n1,4.5,5,6,2,0.25\n');
    const back = await readPoints(file);
    expect(back.coordinates).toEqual(points.coordinates);
    expect(back.classes).toEqual(points.classes);
    expect(back.scores).toEqual(points.scores);
  });

  it('refuses to write inconsistent lists', async () => {
    await expect(writePoints(path.join(dir, 'x.csv'), { ndim: 2, coordinates: Float64Array.from([1, 2, 3]) })).rejects.toThrow(/whole 2D points/);
  });
});
