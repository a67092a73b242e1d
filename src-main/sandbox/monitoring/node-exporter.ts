// node-exporter's basic collectors for one sandbox node (cpu, meminfo, loadavg, filesystem,
// netdev, diskstats, vmstat, uname, stat, time), with node-exporter's names, HELP texts and
// labels. CPU, memory and eth0 come from NodeLedger, i.e. from the same usage metrics.k8s.io
// reports for the node; the rest (disk, filesystem, lo) is a steady, plausible machine.
import type { KObject } from '../apiserver/store';
import { Exposition } from './exposition';
import type { NodeTotals } from './node-ledger';

export const NODE_EXPORTER_VERSION = '1.9.1';
const GiB = 1024 ** 3;
/** How busy time splits over modes (the rest of a CPU's time is idle). */
const MODES: [string, number][] = [
  ['user', 0.62],
  ['system', 0.3],
  ['softirq', 0.05],
  ['irq', 0.01],
  ['nice', 0.02],
];
/** The OS, kubelet, containerd and images on the root filesystem, before any pod. */
const ROOT_FS_USED = 11.6 * GiB;
/** Steady disk traffic of a node (journald, containerd, kubelet): bytes/s, I/Os/s. */
const DISK_READ_BPS = 6 * 1024;
const DISK_WRITE_BPS = 48 * 1024;
const DISK_READS_PS = 0.8;
const DISK_WRITES_PS = 6;
/** Loopback traffic (kubelet probes, containerd's API): bytes/s. */
const LO_BPS = 9 * 1024;

export function nodeExporterText(node: KObject, t: NodeTotals, nowSec: number): string {
  const e = new Exposition();
  const name = node.metadata.name!;
  const info = node.status?.nodeInfo ?? {};
  const up = t.uptimeSeconds;
  const cpus = Math.max(1, Math.round(t.cpuCores));

  e.family('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.').sample('node_boot_time_seconds', [], t.bootTimeSec);
  e.family('node_context_switches_total', 'counter', 'Total number of context switches.').sample('node_context_switches_total', [], Math.round(up * 2400 + t.busySeconds * 9000));

  e.family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
  const busyPerCpu = t.busySeconds / cpus;
  const iowait = up * 0.002;
  for (let cpu = 0; cpu < cpus; cpu++) {
    const c = String(cpu);
    e.sample('node_cpu_seconds_total', [['cpu', c], ['mode', 'idle']], Math.max(0, up - busyPerCpu - iowait));
    e.sample('node_cpu_seconds_total', [['cpu', c], ['mode', 'iowait']], iowait);
    for (const [mode, share] of MODES) e.sample('node_cpu_seconds_total', [['cpu', c], ['mode', mode]], busyPerCpu * share);
    e.sample('node_cpu_seconds_total', [['cpu', c], ['mode', 'steal']], 0);
  }

  const disk = (metric: string, help: string, v: number) => e.family(metric, 'counter', help).sample(metric, [['device', 'vda']], v);
  disk('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', up * 0.004);
  disk('node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.', up * 0.006);
  disk('node_disk_read_bytes_total', 'The total number of bytes read successfully.', Math.round(up * DISK_READ_BPS));
  disk('node_disk_reads_completed_total', 'The total number of reads completed successfully.', Math.round(up * DISK_READS_PS));
  disk('node_disk_writes_completed_total', 'The total number of writes completed successfully.', Math.round(up * DISK_WRITES_PS));
  disk('node_disk_written_bytes_total', 'The total number of bytes written successfully.', Math.round(up * DISK_WRITE_BPS));

  // "/" on the node's disk, as kube-prometheus-stack's excludes leave it (plus /run and /boot/efi).
  const fs: { device: string; fstype: string; mountpoint: string; size: number; used: number; files: number; filesUsed: number }[] = [
    { device: '/dev/vda1', fstype: 'ext4', mountpoint: '/', size: t.ephemeralStorageBytes, used: Math.min(t.ephemeralStorageBytes, ROOT_FS_USED), files: 3_932_160, filesUsed: 412_337 },
    { device: '/dev/vda15', fstype: 'vfat', mountpoint: '/boot/efi', size: 109_422_592, used: 6_331_392, files: 0, filesUsed: 0 },
    { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run', size: Math.round(t.memoryTotalBytes / 5), used: 4_210_688, files: 1_018_561, filesUsed: 1_091 },
  ];
  const fsLabels = (f: (typeof fs)[number]) => [['device', f.device], ['device_error', ''], ['fstype', f.fstype], ['mountpoint', f.mountpoint]] as const;
  const fsFamily = (metric: string, help: string, v: (f: (typeof fs)[number]) => number) => {
    e.family(metric, 'gauge', help);
    for (const f of fs) e.sample(metric, fsLabels(f), v(f));
  };
  // ext4 keeps 5% for root: available to others is free minus that reserve.
  fsFamily('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', (f) => Math.max(0, f.size - f.used - (f.fstype === 'ext4' ? Math.round(f.size * 0.05) : 0)));
  fsFamily('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', () => 0);
  fsFamily('node_filesystem_files', 'Filesystem total file nodes.', (f) => f.files);
  fsFamily('node_filesystem_files_free', 'Filesystem total free file nodes.', (f) => f.files - f.filesUsed);
  fsFamily('node_filesystem_free_bytes', 'Filesystem free space in bytes.', (f) => f.size - f.used);
  fsFamily('node_filesystem_readonly', 'Filesystem read-only status.', () => 0);
  fsFamily('node_filesystem_size_bytes', 'Filesystem size in bytes.', (f) => f.size);

  e.family('node_load1', 'gauge', '1m load average.').sample('node_load1', [], round2(t.load1));
  e.family('node_load15', 'gauge', '15m load average.').sample('node_load15', [], round2(t.load15));
  e.family('node_load5', 'gauge', '5m load average.').sample('node_load5', [], round2(t.load5));

  // meminfo: what is used is metrics.k8s.io's node memory; the kernel keeps some of the rest as
  // page cache and buffers, all of which is reclaimable (part of MemAvailable).
  const total = t.memoryTotalBytes;
  const available = Math.max(0, total - t.memoryUsedBytes);
  const cached = Math.round(Math.min(available * 0.4, 1.4 * GiB));
  const buffers = Math.round(Math.min(available * 0.04, 96 * 1024 ** 2));
  const mem: [string, number][] = [
    ['Active', Math.round(t.memoryUsedBytes * 0.7 + cached * 0.5)],
    ['Buffers', buffers],
    ['Cached', cached],
    ['Inactive', Math.round(t.memoryUsedBytes * 0.2 + cached * 0.5)],
    ['MemAvailable', available],
    ['MemFree', Math.max(0, available - cached - buffers)],
    ['MemTotal', total],
    ['Slab', 180 * 1024 ** 2],
    ['SwapFree', 0],
    ['SwapTotal', 0],
  ];
  for (const [field, v] of mem) e.family(`node_memory_${field}_bytes`, 'gauge', `Memory information field ${field}_bytes.`).sample(`node_memory_${field}_bytes`, [], v);

  const devices: { device: string; rx: number; tx: number; rxp: number; txp: number }[] = [
    { device: 'eth0', rx: t.rxBytes, tx: t.txBytes, rxp: t.rxPackets, txp: t.txPackets },
    { device: 'lo', rx: up * LO_BPS, tx: up * LO_BPS, rxp: (up * LO_BPS) / 600, txp: (up * LO_BPS) / 600 },
  ];
  const net = (stat: string, v: (d: (typeof devices)[number]) => number) => {
    const metric = `node_network_${stat}_total`;
    e.family(metric, 'counter', `Network device statistic ${stat}.`);
    for (const d of devices) e.sample(metric, [['device', d.device]], Math.round(v(d)));
  };
  net('receive_bytes', (d) => d.rx);
  net('receive_drop', () => 0);
  net('receive_errs', () => 0);
  net('receive_packets', (d) => d.rxp);
  net('transmit_bytes', (d) => d.tx);
  net('transmit_drop', () => 0);
  net('transmit_errs', () => 0);
  net('transmit_packets', (d) => d.txp);
  e.family('node_network_up', 'gauge', "Value is 1 if operstate is 'up', 0 otherwise.");
  for (const d of devices) e.sample('node_network_up', [['device', d.device]], d.device === 'eth0' ? 1 : 0);

  e.family('node_time_seconds', 'gauge', 'System time in seconds since epoch (1970).').sample('node_time_seconds', [], nowSec);
  e.family('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.').sample(
    'node_uname_info',
    [['domainname', '(none)'], ['machine', 'x86_64'], ['nodename', name], ['release', info.kernelVersion ?? ''], ['sysname', 'Linux'], ['version', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)']],
    1,
  );
  e.family('node_vmstat_pgmajfault', 'untyped', '/proc/vmstat information field pgmajfault.').sample('node_vmstat_pgmajfault', [], Math.round(up * 0.4));
  e.family('node_exporter_build_info', 'gauge', "A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.").sample(
    'node_exporter_build_info',
    [['branch', 'HEAD'], ['goarch', 'amd64'], ['goos', 'linux'], ['goversion', 'go1.23.7'], ['revision', '7a2ddc0a1f1b4a4c6fd1c3fbb51b7d89e8a3f6f2'], ['tags', 'unknown'], ['version', NODE_EXPORTER_VERSION]],
    1,
  );
  return e.text();
}

const round2 = (v: number) => Math.round(v * 100) / 100;
