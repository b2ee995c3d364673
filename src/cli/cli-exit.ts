/** Thrown by a command to end with a given exit code (1 failure, 2 usage) and a one-line message. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}
