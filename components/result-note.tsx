"use client";

import { type ReactNode, useEffect, useRef } from "react";

/**
 * The outcome of a form that navigates (a server action's redirect): said as a status and
 * given the focus when it appears, since the navigation drops the focus of the button that
 * sent it. Key it by the submission so a second outcome takes the focus again.
 */
export function ResultNote({ children, className }: { children: ReactNode; className?: string }) {
  const note = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    note.current?.focus();
  }, []);
  return (
    <p ref={note} role="status" tabIndex={-1} className={className}>
      {children}
    </p>
  );
}
