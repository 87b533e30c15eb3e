"use client";

import { useEffect, useState } from "react";

const BARS = 80;

/** The loudest sample in each of `bars` equal stretches of the first channel, 0–1. */
function peaksOf(samples: Float32Array, bars: number): number[] {
  const step = Math.max(1, Math.floor(samples.length / bars));
  const peaks: number[] = [];
  for (let bar = 0; bar < bars; bar++) {
    let peak = 0;
    const end = Math.min(samples.length, (bar + 1) * step);
    for (let i = bar * step; i < end; i++) {
      const value = Math.abs(samples[i]);
      if (value > peak) peak = value;
    }
    peaks.push(peak);
  }
  const loudest = Math.max(...peaks, 1e-6);
  return peaks.map((peak) => peak / loudest);
}

async function decodePeaks(src: string, signal: AbortSignal): Promise<number[]> {
  const response = await fetch(src, { signal });
  const bytes = await response.arrayBuffer();
  // An offline context decodes without opening an audio output (no autoplay rules apply).
  const context = new OfflineAudioContext(1, 1, 44_100);
  const audio = await context.decodeAudioData(bytes);
  return peaksOf(audio.getChannelData(0), BARS);
}

/**
 * A compact picture of an audio track's loudness over time: ~80 bars of peak amplitude, so a
 * person sees at a glance where the voice is and where the silence is.
 */
export function Waveform({ src, name }: { src: string; name: string }) {
  const [peaks, setPeaks] = useState<number[] | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setPeaks(null);
    decodePeaks(src, controller.signal).then(
      (decoded) => {
        if (!controller.signal.aborted) setPeaks(decoded);
      },
      () => {
        // Not decodable here (the server still checks it): show no waveform.
      },
    );
    return () => controller.abort();
  }, [src]);

  if (!peaks) return <div className="bg-paper-sunk h-10 w-full rounded-md" aria-hidden="true" />;
  const width = BARS * 3;
  const height = 40;
  return (
    <svg
      role="img"
      aria-label={`Waveform of ${name}`}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      className="bg-paper-sunk text-accent h-10 w-full rounded-md"
    >
      {peaks.map((peak, i) => {
        const bar = Math.max(1, peak * (height - 4));
        return (
          <rect
            // biome-ignore lint/suspicious/noArrayIndexKey: the bars never reorder
            key={i}
            x={i * 3 + 0.5}
            y={(height - bar) / 2}
            width={2}
            height={bar}
            rx={1}
            fill="currentColor"
          />
        );
      })}
    </svg>
  );
}
