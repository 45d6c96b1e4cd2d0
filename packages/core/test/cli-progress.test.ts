import { InterruptedError, interruptionOf, WorkflowDriver, type WorkflowDefinition } from '@biaflow/core';
import { formatSummary, resumeCommand, shellWord, stopIfAsked, teeProgress } from '@biaflow/core/internals';

/**
 * The pieces of what a person sees of a run: the progress sinks together, the command that continues a stopped run,
 * the results table (the terminal's progress lines: packages/biaflow/test/terminal-progress.test.ts).
 */

describe('progress sinks', () => {
  test('a tee starts, updates and ends every sink', () => {
    const seen: string[] = [];
    const recorder = (name: string) => ({
      start: ({ label }: { label: string }) => ({ update: (n: number) => seen.push(`${name} ${label} ${n}`), end: () => seen.push(`${name} end`) }),
    });
    const task = teeProgress(recorder('a'), recorder('b')).start({ id: 'x', label: 'x', total: 2, unit: 'steps' });
    task.update(1);
    task.end();
    expect(seen).toEqual(['a x 1', 'b x 1', 'a end', 'b end']);
  });
});

describe('a stopped run', () => {
  test('stops at a safe point only once the signal is aborted, saying where', () => {
    const controller = new AbortController();
    let asked = 0;
    const where = () => {
      asked++;
      return { at: 'during epoch 2/5, after step 3 of 10', resumeFrom: 'the end of epoch 1 (checkpoints/last)' };
    };
    stopIfAsked(controller.signal, where);
    stopIfAsked(undefined, where);
    expect(asked).toBe(0);
    controller.abort('SIGINT');
    let caught: unknown;
    try {
      stopIfAsked(controller.signal, where);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InterruptedError);
    expect((caught as InterruptedError).message).toBe('stopped during epoch 2/5, after step 3 of 10');
    expect((caught as InterruptedError).exitCode).toBe(130);
    // Found inside the error a plugin's hook wraps it in.
    expect(interruptionOf(new Error('plugin "x" failed in hook "train"', { cause: caught }))).toBe(caught);
  });

  test('the command to continue: the same arguments, --resume once, the run folder when it was the default, never --overwrite', () => {
    const options = { cwd: '/home/me/project', invocation: 'biaflow' };
    expect(resumeCommand(['run', '--config', 'c.yaml', '--out', 'runs/a', '--overwrite'], '/home/me/project/runs/a', options)).toBe(
      'biaflow run --config c.yaml --out runs/a --resume',
    );
    expect(resumeCommand(['run', '-c', 'c.yaml'], '/home/me/project/runs/20261205-0700-instance', options)).toBe(
      'biaflow run -c c.yaml --out runs/20261205-0700-instance --resume',
    );
    expect(resumeCommand(['predict', '--resume', '-oruns/b'], '/home/me/project/runs/b', options)).toBe('biaflow predict --resume -oruns/b');
    expect(resumeCommand(['run', '--set', 'postprocess=[{method: x}]'], '/elsewhere/r', options)).toBe(
      "biaflow run --set 'postprocess=[{method: x}]' --out /elsewhere/r --resume",
    );
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });
});

/** The driver of a workflow declaring these figures (the rest of the declaration is not read here). */
function summaryFigures(figures: Pick<WorkflowDefinition, 'mainFigure' | 'summary'>) {
  const layout = { name: 'none', description: '', labels: 'none', list: () => [], testImages: () => [], testImagesCarryLabels: () => false };
  const workflow = { name: 't', plugin: 'p', description: '', output: 'labels', data: layout, evaluate: () => ({}), ...figures };
  return new WorkflowDriver(workflow as unknown as ConstructorParameters<typeof WorkflowDriver>[0]).summary;
}

describe('the results table', () => {
  test("the workflow's summary figures from overall, '-' where undefined, then the metrics and the report", () => {
    const figures = summaryFigures({
      mainFigure: { key: 'matching.0.5.f1', label: 'F1 at IoU 0.5' },
      summary: [
        { key: 'matching.0.5.f1', label: 'F1 at IoU 0.5' },
        { key: 'aji', label: 'AJI' },
        { key: 'tp', label: 'true positives' },
      ],
    });
    const text = formatSummary({
      figures,
      overall: { matching: { '0.5': { f1: 0.74126 } }, aji: null, tp: 12 },
      images: 4,
      metricsFile: 'runs/x/metrics.json',
      reportFile: 'runs/x/report.html',
    });
    expect(text).toBe(
      [
        'results over 4 test images',
        '  F1 at IoU 0.5     0.7413',
        '  AJI                    -',
        '  true positives        12',
        'metrics: runs/x/metrics.json',
        'report:  runs/x/report.html',
        '',
      ].join('\n'),
    );
    // Without a summary, the main figure alone.
    expect(summaryFigures({ mainFigure: { key: 'accuracy', label: 'accuracy' } })).toEqual([{ key: 'accuracy', label: 'accuracy' }]);
  });
});
