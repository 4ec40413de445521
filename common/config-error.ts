// A missing or invalid setting. Its own zod-free module: the CLI's error handling imports it on every command, and
// zod alone costs ~0.1 s of start-up.
export class ConfigError extends Error {
  override name = 'ConfigError';
}
