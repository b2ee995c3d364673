import type { ChannelPipeline } from './pipeline-types.js';

/** PowerShell Operational (Windows PowerShell 5 and PowerShell 7 "Core"): module and script block logging. */
export const powershellPipeline: ChannelPipeline = {
  name: 'powershell',
  channels: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  events: {
    4103: { category: 'ps_module' },
    4104: { category: 'ps_script' },
  },
};

/**
 * Classic "Windows PowerShell" log. Rules read `Data`, the unnamed `<Data>` strings of the event
 * (the third holds `HostApplication=…`, `EngineVersion=…`). evtx exports keep them as `Data`;
 * Winlogbeat 6 names them `param1…param3`; NXLog drops them and keeps only `Message`, whose
 * "Details:" part is the same key=value text, so it stands in as the last resort.
 */
export const powershellClassicPipeline: ChannelPipeline = {
  name: 'powershell-classic',
  channels: ['Windows PowerShell'],
  events: {
    400: { category: 'ps_classic_start', derive: [{ to: 'Data', from: ['param3', 'Message'] }] },
    403: { derive: [{ to: 'Data', from: ['param3', 'Message'] }] },
    600: { category: 'ps_classic_provider_start', derive: [{ to: 'Data', from: ['param3', 'Message'] }] },
    800: { category: 'ps_classic_script', derive: [{ to: 'Data', from: ['param2', 'Message'] }] },
  },
};
