/**
 * BingX's order ids exceed 2^53 (its swap page's sample: `"i":1711312357852147712`), and
 * `JSON.parse` would round them to the nearest double. The BingX wire quotes every `"i"` or
 * `"orderId"` of 16 digits or more (2^53 has 16) before the frame is parsed, so the id arrives as
 * its exact digit string; `@userstream/rest` reads BingX's REST bodies by the same rule, so the
 * two sides name an order alike. Smaller ids stay numbers. One regex pass per BingX frame, after
 * gunzip (which already costs far more); other venues never see it.
 */
const BIG_ID = /"(i|orderId)"\s*:\s*(\d{16,})(?=[,}\s])/g;

/** `text` with long `i` / `orderId` numbers quoted (the same string when there are none). */
export function exactBingxIds(text: string): string {
  return text.replace(BIG_ID, '"$1":"$2"');
}
