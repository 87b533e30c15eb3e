"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { aspectMismatchNote } from "@/lib/media/limits";
import { type MediaKind, type MediaRef, mediaKinds } from "@/lib/request-rules";
import { inspectFile, type LocalProbe } from "./inspect-file";
import { UploadError, type UploadedMedia, type UploadMode, uploadFile } from "./upload";

export type SlotState =
  | { status: "empty" }
  /** The browser is reading the file (type, size, length) before deciding to upload it. */
  | { status: "checking"; file: File; previewUrl: string }
  | {
      status: "uploading";
      file: File;
      previewUrl: string;
      /** What the browser measured (shown while the bytes travel). */
      probe: LocalProbe;
      sent: number;
      total: number;
      cancel: () => void;
    }
  | { status: "ready"; name: string; previewUrl: string; media: UploadedMedia }
  | { status: "error"; message: string };

export type Slots = Record<MediaKind, SlotState>;

/** Media already stored (e.g. from a task being remixed), with a URL to preview them. */
export type StoredMedia = UploadedMedia & { previewUrl: string };

function initialSlots(initial: Partial<Record<MediaKind, StoredMedia>> = {}): Slots {
  return Object.fromEntries(
    mediaKinds.map((kind) => {
      const media = initial[kind];
      const slot: SlotState = media
        ? { status: "ready", name: media.name, previewUrl: media.previewUrl, media }
        : { status: "empty" };
      return [kind, slot];
    }),
  ) as Slots;
}

function previewOf(slot: SlotState): string | null {
  return "previewUrl" in slot ? slot.previewUrl : null;
}

/** Picture size of a slot, from the server's probe or, while uploading, the browser's. */
function dimensionsOf(slot: SlotState): LocalProbe | undefined {
  if (slot.status === "ready") return slot.media.probe;
  if (slot.status === "uploading") return slot.probe;
  return undefined;
}

/** Only the previews we made from local files hold memory; server URLs are left alone. */
function revoke(url: string | null) {
  if (url?.startsWith("blob:")) URL.revokeObjectURL(url);
}

/**
 * The four media slots: each dropped file is checked in the browser first (the server's rules,
 * in the server's words: a refused file is never sent), then uploads at once, with progress
 * and cancel. A newer drop into the same slot wins over an older check or upload.
 */
export function useMediaSlots(mode: UploadMode, initial?: Partial<Record<MediaKind, StoredMedia>>) {
  const [slots, setSlots] = useState<Slots>(() => initialSlots(initial));
  const generation = useRef<Record<string, number>>({});
  const slotsRef = useRef(slots);
  slotsRef.current = slots;

  const replace = useCallback((kind: MediaKind, next: SlotState) => {
    const previous = slotsRef.current[kind];
    if (previous.status === "uploading") previous.cancel();
    const url = previewOf(previous);
    if (url !== previewOf(next)) revoke(url);
    setSlots((current) => ({ ...current, [kind]: next }));
  }, []);

  const upload = useCallback(
    (kind: MediaKind, file: File, previewUrl: string, probe: LocalProbe, turn: number) => {
      const isCurrent = () => generation.current[kind] === turn;
      const handle = uploadFile(
        kind,
        file,
        (sent, total) => {
          if (!isCurrent()) return;
          setSlots((current) => {
            const slot = current[kind];
            return slot.status === "uploading"
              ? { ...current, [kind]: { ...slot, sent, total } }
              : current;
          });
        },
        mode,
      );
      replace(kind, {
        status: "uploading",
        file,
        previewUrl,
        probe,
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
          revoke(previewUrl);
          const cancelled = error instanceof UploadError && error.cancelled;
          const message = error instanceof Error ? error.message : "The upload failed.";
          setSlots((current) => ({
            ...current,
            [kind]: cancelled ? { status: "empty" } : { status: "error", message },
          }));
        },
      );
    },
    [replace, mode],
  );

  const add = useCallback(
    (kind: MediaKind, file: File) => {
      const turn = (generation.current[kind] ?? 0) + 1;
      generation.current[kind] = turn;
      const previewUrl = URL.createObjectURL(file);
      replace(kind, { status: "checking", file, previewUrl });
      inspectFile(kind, file, previewUrl)
        // A check that breaks (not a refusal) leaves the verdict to the server.
        .catch(() => ({ problem: null, probe: {} }))
        .then(({ problem, probe }) => {
          if (generation.current[kind] !== turn) return;
          if (problem) {
            replace(kind, { status: "error", message: problem });
          } else {
            upload(kind, file, previewUrl, probe, turn);
          }
        });
    },
    [replace, upload],
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
      for (const slot of Object.values(slotsRef.current)) revoke(previewOf(slot));
    },
    [],
  );

  const chosen = mediaKinds.filter(
    (kind) => slots[kind].status !== "empty" && slots[kind].status !== "error",
  );
  const uploading = mediaKinds.some(
    (kind) => slots[kind].status === "uploading" || slots[kind].status === "checking",
  );
  // Warnings never block: the model takes the pair, but the result may not be what was meant.
  const aspectWarning = aspectMismatchNote(
    dimensionsOf(slots.first_frame),
    dimensionsOf(slots.last_frame),
  );
  const warnings: Partial<Record<MediaKind, string>> = aspectWarning
    ? { last_frame: aspectWarning }
    : {};
  const media: MediaRef[] = mediaKinds.flatMap((kind) => {
    const slot = slots[kind];
    return slot.status === "ready" ? [{ type: kind, mediaId: slot.media.id }] : [];
  });

  return { slots, chosen, uploading, media, warnings, add, clear, refuse };
}
