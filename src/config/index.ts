export { ConfigSchema, type Config } from './config-schema.js';
export { loadConfig, packageRoot, type LoadConfigOptions } from './load-config.js';
