// A copy of a string that does not keep the one it was sliced from alive: V8 makes a slice of a
// long string point into it (a line's text into the socket chunk it was decoded from). For strings
// kept long. (V8 flattens the concatenation into a fresh string before slicing it.)
export function detached(s: string): string {
  return (' ' + s).slice(1);
}
