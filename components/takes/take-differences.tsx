import { type DifferingSetting, takeLabel } from "@/lib/takes/view";

/** Only what differs between the takes (usually the seed), take by take. */
export function TakeDifferences({
  differences,
  labels,
}: {
  differences: DifferingSetting[];
  /** Each take's place, in the order of the values. */
  labels: { index: number | null; of: number }[];
}) {
  if (differences.length === 0) {
    return <p className="text-ink-soft text-sm">The takes share every setting.</p>;
  }
  return (
    <table className="w-full text-left text-sm">
      <thead>
        <tr className="text-ink-soft">
          <th scope="col" className="py-1 pr-3 font-medium">
            Setting
          </th>
          {labels.map((label) => (
            <th key={label.index} scope="col" className="py-1 pr-3 font-medium">
              {takeLabel(label.index, label.of)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {differences.map((setting) => (
          <tr key={setting.term} className="border-ink/10 border-t">
            <th scope="row" className="py-1 pr-3 font-medium">
              {setting.term}
            </th>
            {setting.values.map((value, index) => (
              <td key={labels[index]?.index ?? index} className="py-1 pr-3 tabular-nums">
                {value}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
