import type { NdArray, PointList } from '@biaflow/image';
import type { DataItem } from '@biaflow/core/internals';
import { applyLabelMapping, applyPointClassMapping, pointMask, type LabelMapping } from '@biaflow/image';
import type { ChannelStats, ImageNormalizer } from '@biaflow/image';
import { foregroundIndices } from '@biaflow/image';

/** One example ready for patch extraction: raw image (model layout), mapped label, whole-image statistics. */
export interface LoadedExample {
  item: DataItem;
  /** `[...spatial, c]`, the file's dtype (normalized per patch when patches are cut). */
  image: NdArray;
  /** `[...spatial]`, mapped to what the workflow expects. */
  label?: NdArray;
  /** The image's points (a point layout), in its pixel coordinates, classes mapped. */
  points?: PointList;
  /** Normalization statistics of the whole image (`image` scope), or the fixed ones. */
  stats?: ChannelStats;
  /** Voxel size along the spatial axes (1 where the file does not say). */
  spacing?: number[];
  /** Flat spatial indices of foreground voxels (the label's non-zero voxels, or the points' pixels), computed on first use. */
  foreground(): Uint32Array;
}

/**
 * Examples of one set, held in memory (`data.in_memory`, filled by the pre-training check so
 * nothing is read twice) or read from disk each time one is needed. Either way `get(i)` returns
 * the same values, so training is identical in both modes.
 */
export class ExampleStore {
  private readonly cache = new Map<number, LoadedExample>();
  private readonly raw: Map<number, RawExample>;

  constructor(
    readonly items: readonly DataItem[],
    private readonly options: {
      inMemory: boolean;
      ndim: 2 | 3;
      mapping?: LabelMapping;
      normalizer: ImageNormalizer;
      /** Spatial shape of each image (by path), known from the pre-training check. */
      shapes: ReadonlyMap<string, number[]>;
      /** Voxel size along the spatial axes of each image (by path), known from the pre-training check. */
      spacings?: ReadonlyMap<string, number[]>;
      /** Reads an image file in model layout, its NaN pixels treated as the check treated them (`readExampleImage`). */
      readImage: (file: string) => Promise<NdArray>;
      /** Reads a label file: a label image as `[...spatial]`, or points. */
      readLabel: (item: DataItem, spatial: number[]) => Promise<{ label?: NdArray; points?: PointList }>;
      /** What the pre-training check read, by index (in-memory mode keeps it instead of reading again). */
      preloaded?: Map<number, RawExample>;
    },
  ) {
    this.raw = options.inMemory && options.preloaded ? options.preloaded : new Map();
  }

  get size(): number {
    return this.items.length;
  }

  /** Spatial shape of an example, without reading it. */
  spatialShape(index: number): number[] {
    const shape = this.options.shapes.get(this.items[index].image);
    if (!shape) throw new RangeError(`no shape known for ${this.items[index].image} (was the data checked?)`);
    return shape;
  }

  async get(index: number): Promise<LoadedExample> {
    const cached = this.cache.get(index);
    if (cached) return cached;
    const item = this.items[index];
    let source = this.raw.get(index);
    if (!source) {
      const image = await this.options.readImage(item.image);
      const annotation = item.label ? await this.options.readLabel(item, image.shape.slice(0, this.options.ndim)) : {};
      source = { image, ...annotation };
    }
    this.raw.delete(index);
    const label = source.label ? applyLabelMapping(source.label, this.options.mapping) : undefined;
    const points = source.points ? applyPointClassMapping(source.points, this.options.mapping) : undefined;
    const normalizer = this.options.normalizer;
    const stats = normalizer.perPatch ? undefined : normalizer.statsFor(source.image);
    let fg: Uint32Array | undefined;
    const ndim = this.options.ndim;
    const spatial = source.image.shape.slice(0, ndim);
    const mask = () => label ?? (points ? pointMask(points, spatial) : undefined);
    const example: LoadedExample = {
      item,
      image: source.image,
      label,
      stats,
      spacing: this.options.spacings?.get(item.image),
      foreground: () => {
        if (fg) return fg;
        const m = mask();
        return (fg = m ? foregroundIndices(m, ndim) : new Uint32Array(0));
      },
    };
    if (points) example.points = points;
    if (this.options.inMemory) this.cache.set(index, example);
    return example;
  }
}

/** An example as read: the image in model layout, and its label image or points. */
export interface RawExample {
  image: NdArray;
  label?: NdArray;
  points?: PointList;
}
