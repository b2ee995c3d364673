/**
 * Public surface of the network inputs: syslog over UDP, TCP and TLS, feeding the ingest
 * service with backpressure (TCP/TLS) or counted drops (UDP). See docs/ingest.md.
 */
export { SyslogListeners, type SyslogListenersDeps, type SyslogAddresses } from './syslog-listeners.js';
export { SyslogUdpInput, type SyslogUdpInputOptions } from './syslog-udp-input.js';
export { SyslogTcpInput, type SyslogTcpInputOptions } from './syslog-tcp-input.js';
export type { SyslogConnectionStats } from './syslog-connection.js';
export { SyslogInputMetrics } from './syslog-input-metrics.js';
export { parseListenAddress, formatListenAddress, type ListenAddress } from './listen-address.js';
export { sample, type IngestTarget, type InputLogger, type SyslogInputDeps } from './input-deps.js';
export { SourceLogLimiter } from './source-log-limiter.js';
