// Findings count Unicode code points (as Python indexes strings); the DOM, a textarea's
// selection and JavaScript strings count UTF-16 units: an emoji or a flag before a
// finding shifts it by one unit per astral character.

/** A function mapping a code-point offset into `text` to its UTF-16 offset (null stays null). */
export function utf16Offsets(text) {
  const table = [0];
  let units = 0;
  for (const character of text) {
    units += character.length; // 2 for an astral character, 1 otherwise
    table.push(units);
  }
  return (offset) => (offset === null || offset === undefined ? null : table[Math.min(offset, table.length - 1)]);
}

/** The findings with `start16`/`end16`: their span in UTF-16 units of `text`. */
export function withUtf16Spans(text, findings) {
  const at = utf16Offsets(text);
  return findings.map((finding) => ({ ...finding, start16: at(finding.start), end16: at(finding.end) }));
}
