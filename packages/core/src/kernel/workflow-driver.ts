import { isBiaflowError } from '../errors';
import type { DataIO, DataLayout, ListedData, SetName, TestImage } from './contributions/data-layout';
import type { ReportCurve, ReportCurvesEvent, ReportPicture, ReportPictureEvent } from './contributions/report-pictures';
import type {
  DataImageHeader,
  Figure,
  NetworkSpec,
  RegisteredWorkflow,
  ResultTable,
  TunableThreshold,
  WorkflowCheckContext,
} from './contributions/workflow';
import type { ResolvedConfig } from './config/schema';
import type { ConfigIssue } from '../errors';
import { wrapPluginError } from './plugin-error';
import type { RunContext } from './run-context';
import type { PredictionField } from './prediction-field';
import type { Prediction, TableRow } from './stages';

// The files this one imports name the driver through NamedAbove (no import back up: named-above.ts).
declare module './named-above' {
  interface NamedAbove {
    workflowDriver: WorkflowDriver;
  }
}

/** Errors a person is meant to read as they are: bad input or config a plugin found (`BiaflowError`, `ImageError`). */
function isUserFacing(e: unknown): boolean {
  return isBiaflowError(e) || (e instanceof Error && e.name === 'ImageError');
}

/** A workflow's stages as the driver hands them to core's taps, bound to the declaration. */
export interface WorkflowStages {
  readonly prepareSample: RegisteredWorkflow['prepareSample'];
  readonly infer: RegisteredWorkflow['infer'];
  readonly evaluate: RegisteredWorkflow['evaluate'];
}

/**
 * The one way core uses a workflow's declaration (rollup's `PluginDriver`): the run resolves its
 * workflow once (`run.workflow`, `kernel.workflowDriver(name)`), and every field core consumes is
 * read or called here. A call that throws something unforeseen (a `TypeError`, a bug) is a
 * `PluginError` naming the plugin and `workflow.<field>`; an error a person is meant to read (bad
 * input or config the workflow found, exit 2) passes as it is, as core's own checks do. The four
 * stages a workflow implements (`prepareSample`, `infer`, `evaluate`, and training from `network`)
 * run as taps on the keyed hooks, whose errors the kernel attributes the same way.
 */
export class WorkflowDriver {
  /** The declaration's data layout, each function called through the driver. */
  readonly data: DataLayout;

  /** The stages core runs as taps on the keyed hooks (their errors are attributed by the kernel's interception). */
  readonly stages: WorkflowStages;

  constructor(private readonly workflow: RegisteredWorkflow) {
    this.stages = {
      prepareSample: workflow.prepareSample?.bind(workflow),
      infer: workflow.infer?.bind(workflow),
      evaluate: workflow.evaluate.bind(workflow),
    };
    const layout = workflow.data;
    this.data = {
      name: layout.name,
      description: layout.description,
      labels: layout.labels,
      wholeImages: layout.wholeImages,
      starter: layout.starter,
      list: (set: SetName, imagesDir: string | undefined, labelsDir: string | undefined, io: DataIO, classes?: readonly string[]): ListedData =>
        this.call('data.list', () => layout.list(set, imagesDir, labelsDir, io, classes)),
      testImages: (dir: string, io: DataIO): TestImage[] => this.call('data.testImages', () => layout.testImages(dir, io)),
      testImagesCarryLabels: (dir: string): boolean => this.call('data.testImagesCarryLabels', () => layout.testImagesCarryLabels(dir)),
    };
  }

  /** The `problem.type` value. */
  get name(): string {
    return this.workflow.name;
  }

  /** The plugin that registered it. */
  get plugin(): string {
    return this.workflow.plugin;
  }

  /** Its own config section, when it has settings (registered with it). */
  get section(): RegisteredWorkflow['section'] {
    return this.workflow.section;
  }

  get description(): string {
    return this.workflow.description;
  }

  /** What kind of result it writes. */
  get output(): string {
    return this.workflow.output;
  }

  /**
   * The prediction fields its inference fills, where the `postprocess:` list starts: its declaration,
   * else core's tiled prediction (`probabilities`) when it has no `infer`; undefined when its own
   * `infer` declares nothing (the list is then not checked).
   */
  get gives(): readonly PredictionField[] | undefined {
    return this.workflow.gives ?? (this.workflow.infer ? undefined : ['probabilities']);
  }

  /** The figure that ranks runs (and images, unless `imageFigure` says otherwise). */
  get mainFigure(): Figure {
    return this.workflow.mainFigure;
  }

  /** The per-image figure that ranks test images (the main figure unless the workflow gives another). */
  get imageFigure(): Figure {
    return this.workflow.imageFigure ?? this.workflow.mainFigure;
  }

  /** The figures a summary shows, main figure first. */
  get summary(): readonly Figure[] {
    return this.workflow.summary?.length ? this.workflow.summary : [this.workflow.mainFigure];
  }

  /** Decoding thresholds that can be tuned on validation data (none when it declares none). */
  get tunable(): readonly TunableThreshold[] {
    return this.workflow.tunable ?? [];
  }

  /** The tables it writes beside the results (none when it declares none). */
  get tables(): readonly ResultTable[] {
    return this.workflow.tables ?? [];
  }

  /** Its part of a starter config (`biaflow init <name>`). */
  get starterConfig(): string | undefined {
    return this.workflow.starterConfig;
  }

  /** Whether it draws report pictures / report curves. */
  get drawsPictures(): boolean {
    return typeof this.workflow.reportPicture === 'function';
  }

  get drawsCurves(): boolean {
    return typeof this.workflow.reportCurves === 'function';
  }

  /** The config's problems only this workflow knows (none when it declares no check). */
  readonly checkConfig = (config: ResolvedConfig, context: WorkflowCheckContext): ConfigIssue[] =>
    this.call('checkConfig', () => this.workflow.checkConfig?.(config, context) ?? []);

  /** The config's problems against the data's headers (none when it declares no check). */
  readonly checkImageHeaders = (config: ResolvedConfig, images: readonly DataImageHeader[]): ConfigIssue[] =>
    this.call('checkImageHeaders', () => this.workflow.checkImageHeaders?.(config, images) ?? []);

  /** How stored label values map to what it expects, when `data.labels.mapping` is not set. */
  readonly labelMapping = (values: readonly number[]): ReadonlyMap<number, number> | undefined => this.call('labelMapping', () => this.workflow.labelMapping?.(values));

  /** The network it trains. */
  readonly network = (run: RunContext): Promise<NetworkSpec> => this.callAsync('network', async () => this.workflow.network(run));

  /** One table's rows for one post-processed image. */
  readonly tableRows = (table: ResultTable, prediction: Prediction, run: RunContext): TableRow[] | undefined =>
    this.call(`tables.${table.name}`, () => table.rows(prediction, run));

  /** What the report draws over one test image (undefined when it draws nothing). */
  readonly reportPicture = (event: ReportPictureEvent): Promise<ReportPicture | undefined> =>
    this.callAsync('reportPicture', async () => this.workflow.reportPicture?.(event));

  /** The curves the report plots (none when it declares none). */
  readonly reportCurves = (event: ReportCurvesEvent): Promise<ReportCurve[]> =>
    this.callAsync('reportCurves', async () => (await this.workflow.reportCurves?.(event)) ?? []);

  private call<T>(field: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.attributed(field, e);
    }
  }

  private async callAsync<T>(field: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.attributed(field, e);
    }
  }

  private attributed(field: string, e: unknown): unknown {
    return isUserFacing(e) ? e : wrapPluginError(this.workflow.plugin, `workflow.${field}`, e);
  }
}
