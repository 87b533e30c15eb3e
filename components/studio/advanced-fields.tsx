import { useEffect, useId } from "react";
import type { FieldErrors } from "@/lib/request-rules";
import { NegativePromptField } from "./negative-prompt-field";
import { SeedField } from "./seed-field";
import type { AdvancedSettings } from "./use-advanced-settings";

/** A checkbox with its label and a one-line hint under it. */
function Switch({
  label,
  hint,
  checked,
  onChange,
  error,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
}) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className="flex items-center gap-2 text-sm font-semibold">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          aria-describedby={hintId}
          className="accent-accent"
        />
        {label}
      </label>
      <p id={hintId} className={`pl-6 text-xs ${error ? "text-danger" : "text-ink-soft"}`}>
        {error ?? hint}
      </p>
    </div>
  );
}

/**
 * The model's other options, behind a disclosure button (closed by default, reached with Tab,
 * toggled with Enter or Space). `errors`: the form's own, then the server's for these fields;
 * a server error opens the section so the sentence is in view.
 */
export function AdvancedFields({
  advanced,
  errors,
  serverErrors,
}: {
  advanced: AdvancedSettings;
  errors: FieldErrors;
  serverErrors?: FieldErrors;
}) {
  const panelId = useId();
  const { state, update, open, setOpen } = advanced;
  const error = (field: "negativePrompt" | "seed" | "promptExtend" | "watermark") =>
    errors[field]?.[0] ?? serverErrors?.[field]?.[0];
  const serverProblem = ["negativePrompt", "seed", "promptExtend", "watermark"].some(
    (field) => serverErrors?.[field as keyof FieldErrors]?.length,
  );
  useEffect(() => {
    if (serverProblem) setOpen(true);
  }, [serverProblem, setOpen]);

  return (
    <div className="border-ink/10 flex flex-col gap-3 rounded-lg border px-3 py-2">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        className="focus-visible:ring-accent flex items-center gap-2 self-start rounded text-sm font-semibold focus:outline-none focus-visible:ring-2"
      >
        <span aria-hidden="true" className={`transition-transform ${open ? "rotate-90" : ""}`}>
          ▸
        </span>
        Advanced
      </button>
      <div id={panelId} hidden={!open} className="flex flex-col gap-4 pb-2">
        <NegativePromptField
          value={state.negativePrompt}
          onChange={(negativePrompt) => update({ negativePrompt })}
          error={error("negativePrompt")}
        />
        <SeedField
          random={state.randomSeed}
          value={state.seedText}
          onRandomChange={(randomSeed) => update({ randomSeed })}
          onChange={(seedText) => update({ seedText })}
          error={error("seed")}
        />
        <Switch
          label="Prompt extension"
          hint="The model rewrites the prompt with more detail before generating; on by default."
          checked={state.promptExtend}
          onChange={(promptExtend) => update({ promptExtend })}
          error={error("promptExtend")}
        />
        <Switch
          label="Watermark"
          hint="Adds the provider's watermark to the video; off by default."
          checked={state.watermark}
          onChange={(watermark) => update({ watermark })}
          error={error("watermark")}
        />
      </div>
    </div>
  );
}
