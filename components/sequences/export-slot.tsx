/**
 * Where the sequence page shows its export (issue 10, Export). A placeholder until the export
 * lands: the page already renders it with the sequence's id and its current plan's version.
 */
export function SequenceExportSlot(_props: { sequenceId: string; version: string }) {
  return null;
}
