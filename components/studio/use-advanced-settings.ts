import { useState } from "react";
import {
  type AdvancedField,
  type AdvancedState,
  advancedDefaults,
  advancedFields,
  advancedRequest,
  isAdvancedChanged,
} from "@/lib/model-options";

export type AdvancedSettings = ReturnType<typeof useAdvancedSettings>;

function isAdvancedField(name: PropertyKey | undefined): name is AdvancedField {
  return (advancedFields as readonly PropertyKey[]).includes(name as PropertyKey);
}

/**
 * The studio's Advanced section: its values (as typed), whether it is open, and the request
 * fields it adds (only those that differ from the model's defaults). Closed by default; a
 * remix that carries options opens it, so what will be sent is in view.
 */
export function useAdvancedSettings(initial?: AdvancedState) {
  const [state, setState] = useState<AdvancedState>(initial ?? advancedDefaults);
  const [open, setOpen] = useState(() => (initial ? isAdvancedChanged(initial) : false));
  const update = (patch: Partial<AdvancedState>) => setState((old) => ({ ...old, ...patch }));
  return {
    state,
    update,
    open,
    setOpen,
    request: advancedRequest(state),
    /**
     * Generate's reason for a problem: said as is, with a pointer to the section when the
     * problem sits inside it and it is closed.
     */
    explain(issue: { path: readonly PropertyKey[]; message: string } | undefined) {
      if (!issue) return undefined;
      if (open || !isAdvancedField(issue.path[0])) return issue.message;
      return `${issue.message} Open Advanced to change it.`;
    },
  };
}
