// A procedure result that is already JSON text. Big results (a Prometheus range query) are built
// as text by the backend; wrapping them lets the WebSocket transport splice the text into the
// frame instead of JSON.stringify re-escaping it as a string, and the client parses it once.
// Whoever builds one vouches that `text` is one valid JSON value of type T: it is not re-checked.
export class RawJson<T> {
  /** Phantom: carries the type the text decodes to. */
  declare readonly decodesTo?: T;
  constructor(readonly text: string) {}
}
