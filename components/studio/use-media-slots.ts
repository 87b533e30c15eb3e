"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { type MediaKind, type MediaRef, mediaKinds } from "@/lib/video-request";
import { UploadError, type UploadedMedia, uploadFile } from "./upload";

export type SlotState =
  | { status: "empty" }
  | {
      status: "uploading";
      file: File;
      previewUrl: string;
      sent: number;
      total: number;
      cancel: () => void;
    }
  | { status: "ready"; name: string; previewUrl: string; media: UploadedMedia }
  | { status: "error"; message: string };

export type Slots = Record<MediaKind, SlotState>;

const emptySlots = () =>
  Object.fromEntries(mediaKinds.map((kind) => [kind, { status: "empty" }])) as Slots;

function previewOf(slot: SlotState): string | null {
  return slot.status === "uploading" || slot.status === "ready" ? slot.previewUrl : null;
}

/**
 * The four media slots: each file uploads as soon as it is dropped, with progress and cancel.
 * A newer drop into the same slot wins over an older upload still under way.
 */
export function useMediaSlots() {
  const [slots, setSlots] = useState<Slots>(emptySlots);
  const generation = useRef<Record<string, number>>({});
  const slotsRef = useRef(slots);
  slotsRef.current = slots;

  const replace = useCallback((kind: MediaKind, next: SlotState) => {
    const previous = slotsRef.current[kind];
    if (previous.status === "uploading") previous.cancel();
    const url = previewOf(previous);
    if (url && url !== previewOf(next)) URL.revokeObjectURL(url);
    setSlots((current) => ({ ...current, [kind]: next }));
  }, []);

  const add = useCallback(
    (kind: MediaKind, file: File) => {
      const turn = (generation.current[kind] ?? 0) + 1;
      generation.current[kind] = turn;
      const previewUrl = URL.createObjectURL(file);
      const isCurrent = () => generation.current[kind] === turn;
      const handle = uploadFile(kind, file, (sent, total) => {
        if (!isCurrent()) return;
        setSlots((current) => {
          const slot = current[kind];
          return slot.status === "uploading"
            ? { ...current, [kind]: { ...slot, sent, total } }
            : current;
        });
      });
      replace(kind, {
        status: "uploading",
        file,
        previewUrl,
        sent: 0,
        total: file.size,
        cancel: handle.cancel,
      });
      handle.done.then(
        (media) => {
          if (!isCurrent()) return;
          setSlots((current) => ({
            ...current,
            [kind]: { status: "ready", name: file.name, previewUrl, media },
          }));
        },
        (error: unknown) => {
          if (!isCurrent()) return;
          URL.revokeObjectURL(previewUrl);
          const cancelled = error instanceof UploadError && error.cancelled;
          const message = error instanceof Error ? error.message : "The upload failed.";
          setSlots((current) => ({
            ...current,
            [kind]: cancelled ? { status: "empty" } : { status: "error", message },
          }));
        },
      );
    },
    [replace],
  );

  const clear = useCallback(
    (kind: MediaKind) => {
      generation.current[kind] = (generation.current[kind] ?? 0) + 1;
      replace(kind, { status: "empty" });
    },
    [replace],
  );

  const refuse = useCallback(
    (kind: MediaKind, message: string) => {
      generation.current[kind] = (generation.current[kind] ?? 0) + 1;
      replace(kind, { status: "error", message });
    },
    [replace],
  );

  // Free the object URLs when the studio goes away.
  useEffect(
    () => () => {
      for (const slot of Object.values(slotsRef.current)) {
        const url = previewOf(slot);
        if (url) URL.revokeObjectURL(url);
      }
    },
    [],
  );

  const chosen = mediaKinds.filter(
    (kind) => slots[kind].status === "uploading" || slots[kind].status === "ready",
  );
  const uploading = mediaKinds.some((kind) => slots[kind].status === "uploading");
  const media: MediaRef[] = mediaKinds.flatMap((kind) => {
    const slot = slots[kind];
    return slot.status === "ready" ? [{ type: kind, mediaId: slot.media.id }] : [];
  });

  return { slots, chosen, uploading, media, add, clear, refuse };
}
