// metadata.managedFields (server-side apply's field ownership) is a third of a pod's JSON and most
// of its objects, and nothing in the proxy reads it: cutting it out of the text before JSON.parse
// makes parsing lists and watch events about twice as fast. The API server writes compact JSON, in
// which a member's key follows `{` or `,` right away; inside a string every `"` follows a backslash,
// so a key found that way is never text inside a string.

const KEY = '"managedFields":[';
/** Whether the quote at `at` is escaped: an odd number of backslashes before it. */
function escaped(json: string, at: number): boolean {
  let n = 0;
  while (json.charCodeAt(at - 1 - n) === 92) {
    n++;
  }
  return n % 2 === 1;
}

/** The index of the bracket that closes the one at `open`, skipping strings; -1 if the text ends first. */
function closing(json: string, open: number): number {
  let depth = 0;
  for (let i = open; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      // A string: on to its closing quote.
      let end = json.indexOf('"', i + 1);
      while (end > 0 && escaped(json, end)) {
        end = json.indexOf('"', end + 1);
      }
      if (end < 0) {
        return -1;
      }
      i = end;
    } else if (c === 91 || c === 123) {
      depth++;
    } else if ((c === 93 || c === 125) && --depth === 0) {
      return i;
    }
  }
  return -1;
}

/** `json` without its `"managedFields":[…]` members; unchanged when it has none or is not what it seems. */
export function withoutManagedFields(json: string): string {
  let at = json.indexOf(KEY);
  if (at < 0) {
    return json;
  }
  const kept: string[] = [];
  let from = 0;
  while (at >= 0) {
    const before = json[at - 1];
    const end = before === ',' || before === '{' ? closing(json, at + KEY.length - 1) : -1;
    if (end < 0) {
      return json;
    }
    // The member goes with one comma: the one before it, else the one after it.
    const cutFrom = before === ',' ? at - 1 : at;
    const cutTo = before === '{' && json[end + 1] === ',' ? end + 2 : end + 1;
    kept.push(json.slice(from, cutFrom));
    from = cutTo;
    at = json.indexOf(KEY, from);
  }
  kept.push(json.slice(from));
  return kept.join('');
}
