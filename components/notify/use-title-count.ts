"use client";

import { useEffect } from "react";

const COUNT = /^\(\d+\) /;

/**
 * Puts "(n) " before the page's title while n videos finished unseen. Next sets the title on
 * every navigation, so the count is put back whenever the title changes under it.
 */
export function useTitleCount(count: number): void {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(COUNT, "");
      const wanted = count > 0 ? `(${count}) ${base}` : base;
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = document.title.replace(COUNT, "");
    };
  }, [count]);
}
