/** A document that cannot be served; the message names file, line, path and method where known. */
export class ApiDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiDocumentError";
  }
}
