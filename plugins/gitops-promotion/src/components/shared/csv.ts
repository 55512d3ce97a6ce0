/** One CSV field: quoted where needed, never a formula a spreadsheet would run. */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // A leading = + - @ would run as a formula in spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Has the browser save `text` as `<name>-<today>.csv`. */
export function downloadCsv(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${name}-${new Date().toISOString().slice(0, 10)}.csv`;
  link.click();
  URL.revokeObjectURL(url);
}
