"use client";

import {
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";

/**
 * A slot's drop area and file input, in the few lines the studio needs of react-dropzone
 * (which it replaces: ~6 kB gzip on the studio's first load). It keeps what the slots relied
 * on: drops, pastes and picks of files (never dragged text), the drag highlight, a drop
 * beside a slot that never opens the file in the tab, and the same split of files into
 * accepted and refused ones (`accept` only sorts them; the bytes are checked later).
 */

/** Does this drag, drop or paste carry files (not text or a link)? */
function carriesFiles(transfer: DataTransfer | null): boolean {
  if (!transfer) return false;
  return (
    Array.from(transfer.types).some(
      (type) => type === "Files" || type === "application/x-moz-file",
    ) || Array.from(transfer.items ?? []).some((item) => item.kind === "file")
  );
}

/** `accept` as the input's attribute takes it: "image/png,.png,…" (react-dropzone's rule). */
function matchesAccept(file: File, accept: readonly string[]): boolean {
  if (accept.length === 0) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return accept.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    if (wanted.startsWith(".")) return name.endsWith(wanted);
    if (wanted.endsWith("/*")) return type.replace(/\/.*$/, "") === wanted.replace(/\/.*$/, "");
    return type === wanted;
  });
}

export interface FileDropResult {
  /** The one file taken (the first that fits `accept`), if any. */
  accepted: File[];
  /** Files that do not fit `accept`, then any beyond the first that fit. */
  refused: File[];
}

/** One file per slot: the first fitting file is taken, every other one is refused. */
export function sortFiles(files: readonly File[], accept: readonly string[]): FileDropResult {
  const accepted: File[] = [];
  const refused: File[] = [];
  for (const file of files) (matchesAccept(file, accept) ? accepted : refused).push(file);
  refused.push(...accepted.splice(1));
  return { accepted, refused };
}

export function useFileDrop({
  accept,
  disabled,
  onFiles,
}: {
  /** MIME types and extensions, as in the input's `accept` attribute. */
  accept: readonly string[];
  disabled: boolean;
  onFiles: (result: FileDropResult) => void;
}) {
  const rootRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  /** Elements inside the area the drag has entered and not yet left. */
  const dragTargets = useRef<EventTarget[]>([]);
  const [isDragActive, setDragActive] = useState(false);

  // A file dropped beside the drop area must not replace the studio with the file itself.
  useEffect(() => {
    const onDragOver = (event: globalThis.DragEvent) => event.preventDefault();
    const onDrop = (event: globalThis.DragEvent) => {
      const inside = event.target instanceof Node && rootRef.current?.contains(event.target);
      if (inside && event.defaultPrevented) return;
      event.preventDefault();
      dragTargets.current = [];
    };
    document.addEventListener("dragover", onDragOver);
    document.addEventListener("drop", onDrop);
    return () => {
      document.removeEventListener("dragover", onDragOver);
      document.removeEventListener("drop", onDrop);
    };
  }, []);

  const take = useCallback(
    (files: readonly File[]) => {
      if (files.length > 0) onFiles(sortFiles(files, accept));
    },
    [accept, onFiles],
  );

  const rootProps = disabled
    ? { ref: rootRef, role: "presentation", "aria-disabled": true as const }
    : {
        ref: rootRef,
        role: "presentation",
        onDragEnter(event: DragEvent) {
          event.preventDefault();
          dragTargets.current = [...dragTargets.current, event.target];
          if (carriesFiles(event.dataTransfer)) setDragActive(true);
        },
        onDragOver(event: DragEvent) {
          event.preventDefault();
          if (carriesFiles(event.dataTransfer)) {
            try {
              event.dataTransfer.dropEffect = "copy";
            } catch {
              // Some browsers refuse the assignment during some drags; the drop still works.
            }
          }
        },
        onDragLeave(event: DragEvent) {
          event.preventDefault();
          const targets = dragTargets.current.filter(
            (target) => target instanceof Node && rootRef.current?.contains(target),
          );
          const left = targets.indexOf(event.target);
          if (left !== -1) targets.splice(left, 1);
          dragTargets.current = targets;
          if (targets.length === 0) setDragActive(false);
        },
        onDrop(event: DragEvent) {
          event.preventDefault();
          dragTargets.current = [];
          setDragActive(false);
          if (carriesFiles(event.dataTransfer)) take(Array.from(event.dataTransfer.files));
        },
        onPaste(event: ClipboardEvent) {
          if (!carriesFiles(event.clipboardData)) return;
          event.preventDefault();
          take(Array.from(event.clipboardData.files));
        },
      };

  const inputProps = {
    ref: inputRef,
    type: "file" as const,
    accept: accept.join(","),
    multiple: false,
    onChange: disabled
      ? undefined
      : (event: ChangeEvent<HTMLInputElement>) => take(Array.from(event.target.files ?? [])),
  };

  /** Opens the file chooser (the Replace button, a click on the empty area). */
  const open = useCallback(() => {
    const input = inputRef.current;
    if (!input || disabled) return;
    // Cleared first, so choosing the same file again still counts as a choice.
    input.value = "";
    input.click();
  }, [disabled]);

  return { rootProps, inputProps, isDragActive, open };
}
