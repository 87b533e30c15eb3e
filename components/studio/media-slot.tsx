"use client";

import { type ClipboardEvent, useId } from "react";
import { type FileRejection, useDropzone } from "react-dropzone";
import { formatBytes, type MediaKind, mediaKindLabels, mediaLimits } from "@/lib/request-rules";
import { acceptFor } from "./accept";
import { MediaPreview } from "./media-preview";
import { UploadProgress } from "./upload-progress";
import type { SlotState } from "./use-media-slots";

interface MediaSlotProps {
  kind: MediaKind;
  slot: SlotState;
  /** Why this slot cannot take a file with what is already chosen, or null. */
  blockedReason: string | null;
  /** A message from the server about this slot (e.g. a media id it no longer knows). */
  fieldError?: string;
  /** Something worth knowing that does not block (e.g. the frames' shapes differ). */
  warning?: string;
  hint: string;
  onFile: (kind: MediaKind, file: File) => void;
  onRefuse: (kind: MediaKind, message: string) => void;
  onClear: (kind: MediaKind) => void;
}

export function MediaSlot(props: MediaSlotProps) {
  const { kind, slot, blockedReason, fieldError, warning, hint, onFile, onRefuse, onClear } = props;
  const label = mediaKindLabels[kind];
  const inputId = useId();
  const hintId = useId();
  const disabled = blockedReason !== null;
  const limits = mediaLimits[kind];

  const { getRootProps, getInputProps, isDragActive, open } = useDropzone({
    // `accept` filters the file picker. A drop it would refuse by name or declared type is
    // still checked by its bytes (inspect-file.ts), which refuses in the server's words or
    // lets a well-formed file with an odd name through.
    accept: acceptFor(kind),
    multiple: false,
    disabled,
    // The labelled input itself takes keyboard focus, and clicks open the picker only on the
    // empty drop area or the Replace button, so playing a preview never opens a dialog.
    noKeyboard: true,
    noClick: true,
    onDropAccepted: ([file]) => onFile(kind, file),
    onDropRejected: (rejections: FileRejection[]) => {
      if (rejections.length > 1) return onRefuse(kind, "Drop one file at a time.");
      onFile(kind, rejections[0].file);
    },
  });
  // A pasted file (react-dropzone takes drops and picks only) goes the way of a drop: one
  // file is checked by its bytes, several are refused. Pasted text is left to the page.
  const onPaste = (event: ClipboardEvent) => {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (disabled || files.length === 0) return;
    event.preventDefault();
    if (files.length > 1) onRefuse(kind, "Drop one file at a time.");
    else onFile(kind, files[0]);
  };

  const filled =
    slot.status === "checking" || slot.status === "uploading" || slot.status === "ready";
  const error = slot.status === "error" ? slot.message : fieldError;
  const linkButton = "text-accent text-sm underline-offset-2 hover:underline";

  return (
    <div
      {...getRootProps({
        "data-slot": kind,
        onPaste,
        className: `bg-paper-raised focus-within:ring-accent flex flex-col gap-2 rounded-xl border p-3 shadow-sm transition focus-within:ring-2 ${
          disabled
            ? "border-ink/15 border-dashed opacity-60"
            : isDragActive
              ? "border-accent bg-accent-soft"
              : "border-ink/10"
        }`,
      } as Parameters<typeof getRootProps>[0])}
    >
      <div className="flex flex-col">
        <label htmlFor={inputId} className="text-sm font-semibold">
          {label}
        </label>
        <span className="text-ink-faint text-xs">
          {limits.formatsLabel} · up to {formatBytes(limits.maxBytes)}
        </span>
      </div>
      <input
        {...getInputProps({
          id: inputId,
          disabled,
          tabIndex: disabled ? -1 : 0,
          "aria-label": undefined,
          "aria-describedby": hintId,
          style: undefined,
          className: "sr-only",
        })}
      />

      {filled ? (
        <div className="flex flex-col gap-2">
          <MediaPreview kind={kind} slot={slot} />
          {slot.status === "uploading" && (
            <UploadProgress label={label} sent={slot.sent} total={slot.total} />
          )}
          <div className="flex gap-4">
            <button type="button" className={linkButton} onClick={open} disabled={disabled}>
              Replace<span className="sr-only"> {label.toLowerCase()}</span>
            </button>
            <button type="button" className={linkButton} onClick={() => onClear(kind)}>
              {slot.status === "ready" ? "Remove" : "Cancel"}
              <span className="sr-only"> {label.toLowerCase()}</span>
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          tabIndex={-1}
          onClick={open}
          disabled={disabled}
          className={`flex min-h-24 flex-col items-center justify-center rounded-lg border-2 border-dashed px-3 py-4 text-center text-sm transition ${
            disabled
              ? "border-ink/10 text-ink-faint cursor-not-allowed"
              : isDragActive
                ? "border-accent text-accent-strong cursor-copy"
                : "border-ink/15 text-ink-soft hover:border-accent/60 hover:bg-accent-soft/40 cursor-pointer"
          }`}
        >
          {disabled
            ? "Not available with this combination"
            : isDragActive
              ? "Drop to upload"
              : "Drop a file here, or click to choose"}
        </button>
      )}

      <p id={hintId} className="text-ink-soft text-xs">
        {blockedReason ?? hint}
      </p>
      {warning && !error ? (
        <p role="status" className="bg-accent-soft text-ink-soft rounded-md px-2 py-1 text-sm">
          {warning}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="bg-danger-soft text-danger rounded-md px-2 py-1 text-sm">
          {error}
        </p>
      ) : null}
    </div>
  );
}
