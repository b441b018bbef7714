/** What one `docker ...` gave on one engine: what a terminal shows, and the exit status. */
export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerOptions {
  /** Piped to `docker run -i` (then end of input). */
  stdin?: string;
  /** Build contexts by the directory named on the command line: path -> content, base64. */
  contexts?: Record<string, Record<string, string>>;
  /** Pins the CLI's clock ("2 seconds ago"). */
  now?: number;
}
