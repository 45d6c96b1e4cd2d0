/**
 * The network's output channels, as BiaPy names them: `B` body (foreground), `C` contour, `D`
 * distance to the object's boundary. A channel set is written as one code (`BC`), always starting
 * with B: the body channel is what every decoding grows objects into.
 */
export const CHANNEL_SETS = ['B', 'BC', 'BD', 'BCD'] as const;
export type ChannelSet = (typeof CHANNEL_SETS)[number];

export type ChannelCode = 'B' | 'C' | 'D';

/** What each channel means, stored in the model bundle (`channels`) and shown to users. */
export const CHANNEL_NAMES: Record<ChannelCode, string> = { B: 'foreground', C: 'contour', D: 'distance' };

export function channelCodes(set: ChannelSet): ChannelCode[] {
  return [...set] as ChannelCode[];
}

/** Position of each channel in the network output, or -1 when the set has no such channel. */
export function channelIndex(set: ChannelSet): Record<ChannelCode, number> {
  return { B: set.indexOf('B'), C: set.indexOf('C'), D: set.indexOf('D') };
}
