import { parse as parseYaml } from 'yaml';
import { encodeLabels, encodePixels, readReportData, renderReport, ReportDataError, type ReportData } from '@biaflow/report';
import { jsonForScript } from '../dist/render/html/escape';
import { niceTicks } from '../dist/render/html/svg-chart';
import { toYaml } from '../dist/render/html/yaml';
import { classReport, instanceReport } from './report-fixtures';

// The renderer without a browser: text safety, the data contract's errors, the YAML view of the
// config, chart markers and ticks.

const markers = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return 0;
  const end = html.indexOf('</figure>', start);
  return (html.slice(start, end).match(/class="marker"/g) ?? []).length;
};

function small(): ReportData {
  const { data } = classReport();
  return { ...data, images: data.images.slice(0, 1) };
}

describe('toYaml', () => {
  it('writes a hand-worked config as block YAML', () => {
    const text = toYaml({ a: 1, b: { c: 'x', d: [1, 'two', { e: null, f: [] }] }, 'g h': true, i: '0.5', j: {} });
    expect(text).toBe(['a: 1', 'b:', '  c: x', '  d:', '    - 1', '    - two', '    - e: null', '      f: []', 'g h: true', 'i: "0.5"', 'j: {}', ''].join('\n'));
  });

  it('quotes every string YAML would read otherwise, so the text parses back to the config', () => {
    const config = {
      tricky: ['- x', 'a: b', '#c', 'true', 'No', '', ' lead', 'trail ', 'null', '~', '1e3', '0x1F', '@at', 'a\nb', '"q"', "it's", '[x]', '{y}', '*r', '&s', '!t', '%u', '`v`', '|w', '>x'],
      nested: [[1, [2, 3]], [{ k: [{ deep: 'yes' }] }]],
      'key: colon': { '- dash': 1, '0.5': 2 },
      numbers: [0, -1.5, 1e-7, 123456789],
    };
    expect(parseYaml(toYaml(config))).toEqual(config);
  });
});

describe('jsonForScript', () => {
  it('leaves no way to end the script element early, and parses back', () => {
    const value = { s: '</script><!-- </SCRIPT> & > \u2028\u2029', n: [1, null] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/<\/script|<!--|[<>&\u2028\u2029]/i);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderReport', () => {
  it('references nothing outside the file and holds only its two scripts', () => {
    const { data } = instanceReport();
    const html = renderReport({ ...data, title: 'see https://example.org/x.png', images: data.images.slice(0, 1) });
    expect(html).not.toMatch(/\s(src|href|srcset|poster|data)=|url\(|@import|<link|<iframe|<object|<embed/i);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
  });

  it('embeds NaN and infinities as null, as metrics.json does', () => {
    const data = small();
    data.epochs = [
      { epoch: 1, loss: 0.5, val_loss: Number.NaN },
      { epoch: 2, loss: Number.POSITIVE_INFINITY, val_loss: 0.4 },
      { epoch: 3, loss: 0.3, val_loss: 0.35 },
    ];
    const html = renderReport(data);
    expect(readReportData(html).epochs).toEqual([
      { epoch: 1, loss: 0.5, val_loss: null },
      { epoch: 2, loss: null, val_loss: 0.4 },
      { epoch: 3, loss: 0.3, val_loss: 0.35 },
    ]);
    // Markers only for finite values: 2 + 2.
    expect(markers(html, 'chart-loss')).toBe(4);
  });

  it('draws one chart marker per epoch per plotted column and a curve chart per x label', () => {
    const { data } = instanceReport();
    const html = renderReport({ ...data, images: [] });
    expect([markers(html, 'chart-loss'), markers(html, 'chart-metrics'), markers(html, 'chart-lr')]).toEqual([30, 15, 15]);
    expect(markers(html, 'chart-curves-0')).toBe(27);
    expect(html).not.toContain('data-series="time_s"');
    expect(html).toContain('data-series="val_iou"');
  });

  it('names the key and the problem when the data does not follow ReportData', () => {
    const base = small();
    const image = base.images[0];
    const cases: [ReportData, string][] = [
      [{ ...base, title: undefined as unknown as string }, 'report data title: must be a string'],
      [{ ...base, images: [{ ...image, input: new Uint8Array(4) as unknown as ReportData['images'][0]['input'] }] }, 'report data images[0].input: is a typed array; pixel and label data go in as base64 (encodePixels / encodeLabels)'],
      [{ ...base, images: [{ ...image, input: encodePixels(new Uint8Array(64 * 64), 3) }] }, 'report data images[0].input: holds 4096 bytes but 64×64×3 needs 12288'],
      [
        { ...base, images: [{ ...image, overlay: { kind: 'instances', prediction: encodeLabels(new Uint16Array(64 * 64)), truth: encodeLabels(new Uint8Array(10)) } }] },
        'report data images[0].overlay.truth: holds 10 uint8 labels but the image is 64×64 = 4096',
      ],
      [{ ...base, images: [{ ...image, overlay: { kind: 'points', truth: [[1, 2]], predicted: [[3, 4]], matches: [[0, 2]] } }] }, 'report data images[0].overlay.matches[0]: must be [truthIndex, predictedIndex] of existing points (1 true, 1 predicted)'],
      [{ ...base, images: [{ ...image, overlay: { kind: 'heatmap' } as unknown as ReportData['images'][0]['overlay'] }] }, "report data images[0].overlay.kind: is 'heatmap'; it must be instances, points, classes, semantic or image"],
      [{ ...base, config: { a: [1, () => 2] } as unknown as ReportData['config'] }, 'report data config.a[1]: is a function; the report holds JSON only'],
      [{ ...base, workflow: { ...base.workflow, output: 42 as unknown as string } }, "report data workflow.output: is 42; it must name the workflow's output kind (labels, points, classes, image or a plugin's own)"],
      [{ ...base, curves: [{ name: 'f1', x: [0.5, 0.6], y: [1], xLabel: 'IoU', yLabel: 'score' }] }, 'report data curves[0]: x and y must be lists of the same length (2 and 1)'],
    ];
    for (const [data, message] of cases) {
      let error: unknown;
      try {
        renderReport(data);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ReportDataError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('reads its data back, and refuses HTML that is not a report', () => {
    const data = small();
    expect(readReportData(renderReport(data))).toEqual(data);
    expect(() => readReportData('<html><body>hello</body></html>')).toThrow('it is not a biaflow report');
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^k inside the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.95, 15.05, 8)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(niceTicks(-0.013, 0.021, 4)).toEqual([-0.01, 0, 0.01, 0.02]);
  });
});
