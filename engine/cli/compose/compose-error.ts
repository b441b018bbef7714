/**
 * A compose failure that ends the command: its message is printed as Compose prints it (no
 * "Error response from daemon" unless it came from the engine) and the exit status is 1.
 */
export class ComposeError extends Error {}
